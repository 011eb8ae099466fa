package com.bankops.balancer.scaling;

import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.loop.Direction;
import com.bankops.autoscaler.loop.LoopSettings;
import com.bankops.autoscaler.loop.ReconcileLoop;
import com.bankops.autoscaler.loop.ScalingListener;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.balancer.admin.AdminModule;
import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.config.AutoscalerSettings;
import com.bankops.balancer.notify.ScalingNotifications;
import com.bankops.balancer.rollout.StablePool;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The autoscaler running in the appliance: the loop on its own thread ("autoscaler"), fed by the
 * appliance's membership and latency windows, acting through {@code runtime} and the appliance's
 * add and drain; decisions logged and counted; its admin operations.
 *
 * <pre>{@code
 * Autoscaling scaling = Autoscaling.start(vertx, appliance, registry, runtime,
 *     config.autoscaler(), InstanceSpec.of("stable", "1.0.0").withEnv(Map.of("BANK_DB_URL", url)),
 *     System::nanoTime, Clock.systemUTC());
 * AdminServer.start(vertx, config.admin(), appliance, registry::scrape,
 *     List.of(scaling.adminModule()));
 * }</pre>
 */
public final class Autoscaling implements AutoCloseable {
  private final ReconcileLoop loop;
  private final ScheduledExecutorService scheduler;
  private final ScalingAdminModule admin;

  private Autoscaling(ReconcileLoop loop, ScheduledExecutorService scheduler, String kind) {
    this.loop = loop;
    this.scheduler = scheduler;
    this.admin = new ScalingAdminModule(loop, kind);
  }

  /**
   * Starts the loop for the pool of {@code spec}. The instances {@code runtime} already runs for
   * that pool count as its current replicas (and may be scaled in).
   *
   * @param nanoClock the appliance's clock (its latency windows are on it)
   * @param clock the loop's clock
   */
  public static Autoscaling start(
      Vertx vertx,
      Appliance appliance,
      MeterRegistry registry,
      ContainerRuntime runtime,
      AutoscalerSettings settings,
      InstanceSpec spec,
      LongSupplier nanoClock,
      Clock clock) {
    LoopSettings loopSettings =
        new LoopSettings(
            Map.of(spec.pool(), spec),
            Duration.ofMillis(settings.tickMs()),
            Duration.ofMillis(settings.drainDeadlineMs()),
            Duration.ofMillis(settings.stopGraceMs()),
            LoopSettings.DEFAULT_STARTUP_TIME,
            settings.decisionsKept());
    ScalingReporter reporter = new ScalingReporter(registry);
    ReconcileLoop loop =
        new ReconcileLoop(
            settings.policy(),
            settings.enabled(),
            loopSettings,
            new MembershipLoadSignals(
                appliance.membership(),
                Duration.ofMillis(settings.signalWindowMs()),
                nanoClock,
                clock),
            runtime,
            new MembershipBackendRegistry(appliance, vertx, nanoClock),
            new Both(reporter, new ScalingNotifications(appliance.notifications())),
            clock);
    reporter.bind(loopSettings.pools().keySet(), loop);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "autoscaler");
              t.setDaemon(true);
              return t;
            });
    loop.start(scheduler);
    return new Autoscaling(loop, scheduler, runtime.kind());
  }

  /** The admin operations for an appliance without the autoscaler (no runtime). */
  public static AdminModule unavailableAdminModule() {
    return ScalingAdminModule.unavailable();
  }

  public AdminModule adminModule() {
    return admin;
  }

  /** What {@code GET /admin/autoscaler} shows plus the newest {@code decisions} (the console). */
  public JsonObject view(int decisions) {
    JsonArray list = new JsonArray();
    for (Decision d : loop.decisions(decisions)) {
      list.add(DecisionJson.decision(d));
    }
    return admin.view().put("decisions", list);
  }

  /** {@link #view(int)} of an appliance without the autoscaler. */
  public static JsonObject unavailableView() {
    return new JsonObject()
        .put("available", false)
        .put("enabled", false)
        .put("decisions", new JsonArray());
  }

  public ReconcileLoop loop() {
    return loop;
  }

  /**
   * What a rollout's promotion tells this autoscaler about {@code pool}: scale-in is held while two
   * versions run in it, and scale-outs start the promoted spec.
   */
  public StablePool stablePool(String pool) {
    return new StablePool() {
      @Override
      public void replacing(String version) {
        loop.holdScaleIn(pool, "promoting " + version);
      }

      @Override
      public void specReplaced(InstanceSpec spec) {
        loop.replaceSpec(spec);
      }

      @Override
      public void replaced() {
        loop.releaseScaleIn(pool);
      }
    };
  }

  /** Reports to the log and metrics first, then to the notifications. */
  private record Both(ScalingListener first, ScalingListener second) implements ScalingListener {
    @Override
    public void decided(Decision decision) {
      first.decided(decision);
      second.decided(decision);
    }

    @Override
    public void scaled(String pool, Direction direction, int instances) {
      first.scaled(pool, direction, instances);
      second.scaled(pool, direction, instances);
    }

    @Override
    public void failed(String pool, String what) {
      first.failed(pool, what);
      second.failed(pool, what);
    }
  }

  /** Stops ticking; actions already running finish on the runtime's threads. */
  @Override
  public void close() {
    loop.close();
    scheduler.shutdownNow();
  }
}
