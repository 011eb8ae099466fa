package com.bankops.balancer.app;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.bankops.balancer.admin.ControlPlane;
import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.config.ProxyConfig;
import com.bankops.balancer.notify.NotificationSink;
import com.bankops.balancer.notify.Notifier;
import com.bankops.balancer.pool.ActiveHealthCheck;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.ClusterSnapshot;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.pool.PoolSnapshot;
import com.bankops.balancer.proxy.NettyDataPlane;
import com.bankops.balancer.proxy.ProxyServer;
import com.bankops.balancer.proxy.ProxySettings;
import com.bankops.balancer.routing.LoadTrackerConfig;
import com.bankops.balancer.routing.Pickers;
import com.bankops.balancer.routing.RetryBudget;
import com.bankops.balancer.stats.LatencyStats;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running appliance: membership, data plane, health, statistics. Implements the admin API's
 * {@link ControlPlane}. Control-plane work (ticks, health checks, drains) runs on one Vert.x
 * context; the data plane runs on every event loop and only reads published snapshots.
 */
public final class Appliance implements ControlPlane {
  private static final Logger LOG = LoggerFactory.getLogger(Appliance.class);
  static final List<Duration> WINDOWS = List.of(Duration.ofSeconds(10), Duration.ofSeconds(60));
  static final Duration HISTOGRAM_WINDOW = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final ApplianceConfig config;
  private final LongSupplier nanoClock;
  private final Membership membership;
  private final HealthController health;
  private final ActiveHealthCheck checks;
  private final ProxyMetrics metrics;
  private final Notifier notifier; // null when notifications are disabled
  private volatile boolean listening;
  private volatile int httpPort;
  // stops the data plane (either engine); null until it listens
  private java.util.function.Supplier<Future<Void>> proxyStop;
  private long ticker = -1;

  private Appliance(
      Vertx vertx, ApplianceConfig config, PrometheusMeterRegistry registry, LongSupplier clock) {
    this.vertx = vertx;
    this.config = config;
    this.nanoClock = clock;
    LoadTrackerConfig tracker =
        LoadTrackerConfig.DEFAULTS.withSlowStartWindow(
            Duration.ofMillis(config.routing().slowStartMs()));
    this.membership =
        new Membership(
            clock,
            tracker,
            config.outlier().panicThresholdPercent(),
            config.routing().canaryBasisPoints());
    this.health = new HealthController(membership, config.outlier(), clock);
    this.checks =
        new ActiveHealthCheck(
            vertx,
            membership,
            config.health().path(),
            config.health().timeoutMs(),
            config.health().unhealthyThreshold(),
            config.health().healthyThreshold(),
            health::activeCheckChanged);
    this.metrics = new ProxyMetrics(registry, membership, health, config.http().accessLog());
    membership.addListener(new MembershipLog());
    this.notifier =
        config.notifications().enabled()
            ? Notifier.create(
                vertx,
                config.notifications(),
                registry,
                clock,
                () -> ThreadLocalRandom.current().nextDouble())
            : null;
    if (notifier != null) {
      LOG.info(
          "notifications on",
          kv("event", "notifications_on"),
          kv("receivers", notifier.receivers()));
    }
  }

  /** Starts the data plane and the control loops; completes when the data port listens. */
  public static Future<Appliance> start(
      Vertx vertx, ApplianceConfig config, PrometheusMeterRegistry registry, LongSupplier clock) {
    Appliance a = new Appliance(vertx, config, registry, clock);
    return a.startAll().map(a);
  }

  private Future<Void> startAll() {
    config
        .backends()
        .forEach(
            b ->
                membership.add(
                    new Backend(
                        b.host() + ":" + b.port(), b.pool(), b.host(), b.port(), b.version())));
    ProxySettings settings = proxySettings(config);
    boolean netty = config.proxy().engine() == ProxyConfig.Engine.NETTY;
    if (settings.port() == 0 && !netty) {
      // every vertx verticle must bind the same port; choose one free port for all of them (the
      // netty engine binds once and reports the port the kernel gave it)
      settings = settings.withPort(freePort(settings.host()));
    }
    httpPort = settings.port();
    RetryBudget budget =
        new RetryBudget(
            config.proxy().retryBudgetRatio(),
            config.proxy().minRetriesPerSecond(),
            RetryBudget.DEFAULT_WINDOW,
            nanoClock);
    String picker = config.routing().picker().wire();
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    Future<Void> started;
    if (netty) {
      started =
          NettyDataPlane.start(
                  vertx,
                  settings,
                  membership,
                  random -> Pickers.byName(picker, random),
                  budget,
                  metrics,
                  nanoClock,
                  instances,
                  System.nanoTime())
              .map(
                  plane -> {
                    proxyStop = plane::stop;
                    httpPort = plane.port();
                    return null;
                  });
    } else {
      boolean portChosenHere = config.http().port() == 0;
      started = deployVertxEngine(settings, picker, budget, instances, portChosenHere ? 3 : 0);
    }
    return started
        .map(
            v -> {
              listening = true;
              return (Void) null;
            })
        .compose(v -> onControlContext(this::startControlLoops));
  }

  /**
   * The vertx engine: every verticle binds the port chosen beforehand, which another process may
   * take in between; when the port was ours to choose, a bind failure is retried with another.
   */
  private Future<Void> deployVertxEngine(
      ProxySettings settings, String picker, RetryBudget budget, int instances, int retries) {
    return ProxyServer.deploy(
            vertx,
            settings,
            membership,
            random -> Pickers.byName(picker, random),
            budget,
            metrics,
            nanoClock,
            instances,
            System.nanoTime())
        .<Void>map(
            id -> {
              proxyStop = () -> vertx.undeploy(id);
              return null;
            })
        .recover(
            t -> {
              if (retries <= 0 || !portTaken(t)) {
                return Future.failedFuture(t);
              }
              ProxySettings next = settings.withPort(freePort(settings.host()));
              httpPort = next.port();
              return deployVertxEngine(next, picker, budget, instances, retries - 1);
            });
  }

  /** A bind that failed because the port is in use (NIO: BindException; epoll: its own error). */
  private static boolean portTaken(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.net.BindException
          || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  private Future<Void> onControlContext(Runnable r) {
    Promise<Void> p = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              r.run();
              p.complete();
            });
    return p.future();
  }

  private void startControlLoops() {
    ticker =
        vertx.setPeriodic(
            1000,
            id -> {
              membership.tickStats();
              membership.promoteWarmedUp();
              health.tick();
            });
    checks.start(config.health().intervalMs());
  }

  static ProxySettings proxySettings(ApplianceConfig c) {
    return new ProxySettings(
        c.http().host(),
        c.http().port(),
        c.http().maxHeaderBytes(),
        c.http().maxBodyBytes(),
        ProxySettings.DEFAULT_BUFFER_THRESHOLD_BYTES,
        c.http().idleTimeoutMs(),
        c.proxy().connectTimeoutMs(),
        c.proxy().responseTimeoutMs(),
        c.proxy().idleTimeoutMs(),
        c.proxy().maxConnectionsPerBackend(),
        c.proxy().maxWaitQueue(),
        c.proxy().maxAttempts(),
        c.routing().overrideHeader().enabled(),
        c.routing().overrideHeader().name(),
        c.http().accessLog(),
        c.proxy().upstreamPipelining(),
        c.routing().canaryFallback());
  }

  /** The port the data plane listens on. */
  public int httpPort() {
    return httpPort;
  }

  private static int freePort(String host) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress(host, 0));
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public Membership membership() {
    return membership;
  }

  /**
   * Where rollout and scaling events go: the notifier built from {@code notifications:} in the
   * config, or {@link NotificationSink#NONE} when notifications are disabled. Publishing never
   * blocks; {@link #stop()} closes it.
   */
  public NotificationSink notifications() {
    return notifier == null ? NotificationSink.NONE : notifier;
  }

  public Future<Void> stop() {
    if (ticker >= 0) {
      vertx.cancelTimer(ticker);
    }
    checks.stop();
    listening = false;
    Future<Void> proxy = proxyStop == null ? Future.succeededFuture() : proxyStop.get();
    return notifier == null ? proxy : Future.join(proxy, notifier.close()).mapEmpty();
  }

  // ---- ControlPlane ----

  @Override
  public JsonObject status() {
    ClusterSnapshot s = membership.snapshot();
    return new JsonObject()
        .put("canaryPercent", s.canaryBasisPoints() / 100.0)
        .put("canaryBasisPoints", s.canaryBasisPoints())
        .put("ready", ready())
        .put("generation", s.generation())
        .put(
            "pools",
            new JsonObject()
                .put("stable", poolStatus(s.stable()))
                .put("canary", poolStatus(s.canary())));
  }

  private JsonObject poolStatus(PoolSnapshot p) {
    int inFlight = 0;
    JsonObject states = new JsonObject();
    for (BackendState st : BackendState.values()) {
      states.put(st.wire(), 0);
    }
    for (Member m : p.members()) {
      inFlight += m.inFlight();
      states.put(m.state().wire(), states.getInteger(m.state().wire()) + 1);
    }
    return new JsonObject()
        .put("backends", p.members().size())
        .put("routable", p.candidates().size())
        .put("panic", p.panic())
        .put("inFlight", inFlight)
        .put("states", states);
  }

  @Override
  public JsonObject backends() {
    long now = nanoClock.getAsLong();
    ClusterSnapshot s = membership.snapshot();
    JsonArray list = new JsonArray();
    s.stable().members().forEach(m -> list.add(Json.backend(m, now)));
    s.canary().members().forEach(m -> list.add(Json.backend(m, now)));
    return new JsonObject().put("backends", list);
  }

  @Override
  public Future<JsonObject> addBackend(
      PoolName pool, String host, int port, Optional<String> version) {
    Backend b = new Backend(host + ":" + port, pool, host, port, version.orElse("unknown"));
    return membership
        .add(b)
        .map(m -> Future.succeededFuture(Json.backend(m, nanoClock.getAsLong())))
        .orElseGet(
            () ->
                Future.failedFuture(
                    new IllegalStateException("backend " + b.id() + " is already a member")));
  }

  @Override
  public Future<Optional<JsonObject>> removeBackend(String id) {
    Optional<Member> m = drain(id, Duration.ofMillis(config.drain().deadlineMs()));
    return Future.succeededFuture(m.map(x -> Json.backend(x, nanoClock.getAsLong())));
  }

  /**
   * Stops new requests to the backend at once, then removes it when its in-flight count reaches
   * zero or the deadline passes. Returns the draining member, or empty for an unknown id.
   */
  public Optional<Member> drain(String id, Duration deadline) {
    Optional<Member> draining = membership.setState(id, BackendState.DRAINING, "removal requested");
    draining.ifPresent(
        m -> {
          long until = nanoClock.getAsLong() + deadline.toNanos();
          vertx.setPeriodic(
              50,
              timer -> {
                boolean idle = m.inFlight() == 0;
                if (idle || nanoClock.getAsLong() >= until) {
                  vertx.cancelTimer(timer);
                  membership.remove(id);
                  LOG.info(
                      "drain finished",
                      kv("event", "drain_finished"),
                      kv("id", id),
                      kv("idle", idle),
                      kv("inFlightLeft", m.inFlight()));
                }
              });
        });
    return draining;
  }

  @Override
  public int canaryBasisPoints() {
    return membership.snapshot().canaryBasisPoints();
  }

  @Override
  public void setCanaryBasisPoints(int basisPoints) {
    membership.setCanaryBasisPoints(basisPoints);
  }

  @Override
  public JsonObject stats() {
    long now = nanoClock.getAsLong();
    ClusterSnapshot s = membership.snapshot();
    JsonObject pools = new JsonObject();
    for (PoolName p : PoolName.values()) {
      LatencyStats stats = membership.poolStats(p);
      pools.put(
          p.wire(),
          windows(stats, now)
              // the distribution view compares stable and canary over the same minute
              .put("histogram60s", Json.buckets(stats.histogram(HISTOGRAM_WINDOW, now))));
    }
    JsonArray backends = new JsonArray();
    for (PoolSnapshot p : List.of(s.stable(), s.canary())) {
      for (Member m : p.members()) {
        backends.add(Json.backend(m, now).put("windows", windows(m.stats(), now)));
      }
    }
    return new JsonObject().put("pools", pools).put("backends", backends);
  }

  private static JsonObject windows(LatencyStats stats, long now) {
    JsonObject o = new JsonObject();
    for (Duration w : WINDOWS) {
      o.put(w.toSeconds() + "s", Json.window(stats.window(w, now)));
    }
    return o;
  }

  @Override
  public boolean ready() {
    return listening && !membership.snapshot().stable().isEmpty();
  }

  /**
   * One JSON line per membership change, whoever made it (admin, health, autoscaler), on the
   * "membership" logger; the admin API's "audit" lines record who asked for a change.
   */
  private static final class MembershipLog implements com.bankops.balancer.pool.MembershipListener {
    private final Logger log = LoggerFactory.getLogger("membership");

    @Override
    public void added(Member m) {
      log.info(
          "backend added",
          kv("event", "backend_added"),
          kv("id", m.id()),
          kv("pool", m.backend().pool().wire()),
          kv("version", m.backend().version()),
          kv("state", m.state().wire()));
    }

    @Override
    public void stateChanged(Member before, Member after) {
      log.info(
          "backend state",
          kv("event", "backend_state"),
          kv("id", after.id()),
          kv("from", before.state().wire()),
          kv("to", after.state().wire()),
          kv("reason", after.reason()));
    }

    @Override
    public void removed(Member m) {
      log.info("backend removed", kv("event", "backend_removed"), kv("id", m.id()));
    }

    @Override
    public void canaryShareChanged(int before, int after) {
      log.info(
          "canary share",
          kv("event", "canary_share"),
          kv("beforeBasisPoints", before),
          kv("afterBasisPoints", after));
    }
  }
}
