package com.bankops.autoscaler.loop;

import com.bankops.autoscaler.policy.AutoscalerConfig;
import com.bankops.autoscaler.policy.Concurrency;
import com.bankops.autoscaler.policy.CpuObservation;
import com.bankops.autoscaler.policy.ForecastMode;
import com.bankops.autoscaler.policy.ForecastObservation;
import com.bankops.autoscaler.policy.LoadObservation;
import com.bankops.autoscaler.policy.ScalingDecision;
import com.bankops.autoscaler.policy.ScalingInput;
import com.bankops.autoscaler.policy.ScalingPolicy;
import com.bankops.autoscaler.registry.BackendRegistry;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.signals.LoadSignals;
import com.bankops.autoscaler.signals.LoadSnapshot;
import com.bankops.autoscaler.signals.PoolLoad;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The autoscaler's control loop. One tick, per managed pool:
 *
 * <pre>
 *   sample ─► concurrency window (+ Holt forecast of the rate) ─► policy.decide ─► act
 *   act:  desired > current, idle  → start (desired − current) instances, each: runtime.start →
 *                                    ready → registry.addBackend (slow start)
 *         desired < current, idle  → pick the fewest in-flight, each: registry.drainAndRemove
 *                                    (deadline) → runtime.stop (grace)
 *         an action still running  → "wait": never two scale actions for a pool at once
 *         a start failed recently  → "back-off": 2 s, 4 s, 8 s ... 30 s between attempts
 *         a rollout replacing it   → "hold": no scale-in until the rollout releases the pool
 * </pre>
 *
 * A pool missing from the sample adds no data point: its windows go stale and the policy holds (it
 * never scales in on missing data). Every decision goes to the bounded ring ({@link #decisions})
 * and to the {@link ScalingListener}.
 *
 * <p>Thread-safety: {@link #tick}, the admin calls and the action callbacks (on the runtime's and
 * the registry's threads) serialise on this object; none of them blocks on I/O while holding it.
 * Time comes from the injected {@link Clock}; ticks from the injected scheduler ({@link #start}) or
 * from a test calling {@link #tick} by hand.
 */
public final class ReconcileLoop implements AutoCloseable {
  /** The longest wait between start attempts after consecutive failures. */
  public static final Duration MAX_START_BACKOFF = Duration.ofSeconds(30);

  /** CPU is sampled at a slower cadence than load: reading it costs more and moves slower. */
  public static final Duration CPU_SAMPLE_INTERVAL = Duration.ofSeconds(5);

  private final LoopSettings settings;
  private final LoadSignals signals;
  private final ContainerRuntime runtime;
  private final BackendRegistry registry;
  private final ScalingListener listener;
  private final Clock clock;
  private final Map<String, PoolState> pools = new LinkedHashMap<>();
  private final AlertFloors floors = new AlertFloors();
  private final Deque<Decision> decisions = new ArrayDeque<>();
  private final CpuSampler cpu;
  private ScalingPolicy policy;
  private boolean enabled;
  private ScheduledFuture<?> ticking;
  private ScheduledFuture<?> cpuSampling;

  public ReconcileLoop(
      AutoscalerConfig config,
      boolean enabled,
      LoopSettings settings,
      LoadSignals signals,
      ContainerRuntime runtime,
      BackendRegistry registry,
      ScalingListener listener,
      Clock clock) {
    this.policy = ScalingPolicy.concurrency(Objects.requireNonNull(config, "config"));
    this.enabled = enabled;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.signals = Objects.requireNonNull(signals, "signals");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cpu = new CpuSampler(runtime, clock);
    for (InstanceSpec spec : settings.pools().values()) {
      PoolState p = new PoolState(spec, config.stableWindow().plus(config.staleAfter()));
      List<Instance> running =
          runtime.list().stream().filter(i -> i.pool().equals(spec.pool())).toList();
      running.forEach(i -> p.recordStartup(i.startupTime()));
      // until the first tick: what runs is what is desired
      p.status = new PoolStatus(p.name, running.size(), running.size(), 0, 0, "none");
      pools.put(spec.pool(), p);
    }
  }

  /** Ticks every {@link LoopSettings#tickInterval()} on {@code scheduler} until {@link #close}. */
  public synchronized void start(ScheduledExecutorService scheduler) {
    if (ticking != null) {
      throw new IllegalStateException("already started");
    }
    long every = settings.tickInterval().toNanos();
    ticking =
        scheduler.scheduleWithFixedDelay(this::tickSafely, every, every, TimeUnit.NANOSECONDS);
    long cpuEvery = CPU_SAMPLE_INTERVAL.toNanos();
    cpuSampling =
        scheduler.scheduleWithFixedDelay(
            this::sampleCpuSafely, every / 2, cpuEvery, TimeUnit.NANOSECONDS);
  }

  /**
   * Reads every instance's CPU time now; the next ticks use the utilisation since the previous
   * call. The scheduler calls it every {@link #CPU_SAMPLE_INTERVAL}; tests call it by hand.
   */
  public Map<String, CpuObservation> sampleCpu() {
    // not under the loop's lock: the runtime reads files, which must not delay a tick
    return cpu.sample();
  }

  private void sampleCpuSafely() {
    try {
      sampleCpu();
    } catch (RuntimeException e) {
      listener.failed("*", "cpu sample failed: " + e);
    }
  }

  @Override
  public synchronized void close() {
    if (ticking != null) {
      ticking.cancel(false);
    }
    if (cpuSampling != null) {
      cpuSampling.cancel(false);
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      // a tick must never kill the schedule
      listener.failed("*", "tick failed: " + e);
    }
  }

  /** One reconciliation of every managed pool; returns the decisions made. */
  public synchronized List<Decision> tick() {
    Instant now = clock.instant();
    LoadSnapshot snapshot = null;
    String sampleError = null;
    try {
      snapshot = signals.sample();
    } catch (RuntimeException e) {
      sampleError = "error: " + e;
    }
    List<Decision> made = new ArrayList<>(pools.size());
    for (PoolState p : pools.values()) {
      Optional<PoolLoad> load = snapshot == null ? Optional.empty() : snapshot.pool(p.name);
      String seen = load.isPresent() ? "ok" : sampleError == null ? "missing" : sampleError;
      Decision d = reconcile(p, load, seen, now);
      made.add(d);
      decisions.addLast(d);
      while (decisions.size() > settings.decisionsKept()) {
        decisions.removeFirst();
      }
      listener.decided(d);
    }
    return made;
  }

  private Decision reconcile(PoolState p, Optional<PoolLoad> sample, String seen, Instant now) {
    AutoscalerConfig config = policy.config();
    double forecastRps = 0;
    double forecastError = Double.NaN;
    ForecastObservation forecast = ForecastObservation.NONE;
    if (sample.isPresent()) {
      PoolLoad l = sample.get();
      p.concurrency.add(
          now,
          Concurrency.observed(
              l.inFlight(), l.requestsPerSecond(), l.meanLatencySeconds(), l.queueDepth()));
      forecastError = p.forecastError(now, l.requestsPerSecond());
      p.forecaster = p.forecaster.observe(now, l.requestsPerSecond());
      if (config.forecastMode() != ForecastMode.OFF && p.forecaster.isWarm()) {
        Duration horizon = p.startupP95(settings.defaultStartupTime());
        forecastRps = p.forecaster.forecast(horizon.toNanos() / 1e9);
        forecast = new ForecastObservation(forecastRps, l.meanLatencySeconds(), horizon);
        p.predictions.addLast(new PoolState.Prediction(now.plus(horizon), forecastRps));
      }
    }

    List<Instance> running = running(p);
    int current = running.size() + p.startsPending;
    int ready = Math.min(current, sample.map(PoolLoad::readyInstances).orElse(running.size()));
    int floor = floors.floor(p.name);
    LoadObservation observed = LoadObservation.of(p.concurrency, now, config);
    ScalingInput input =
        new ScalingInput(
            now, current, ready, observed, cpu.latest(p.name), forecast, floor, p.history);
    ScalingDecision decision = policy.decide(input);
    p.history = decision.history();

    String action;
    if (!enabled) {
      action = "disabled";
    } else if (p.busy()) {
      action = "wait: " + p.action;
    } else if (decision.desired() > current && now.isBefore(p.noStartBefore)) {
      action = "back-off: a start failed, next try at " + p.noStartBefore;
    } else if (decision.desired() > current) {
      action = scaleOut(p, decision.desired() - current);
    } else if (decision.desired() < current
        && decision.mode() != ScalingDecision.Mode.HOLD
        && sample.isPresent()
        && p.scaleInHold != null) {
      action = "hold: " + p.scaleInHold;
    } else if (decision.desired() < current
        && decision.mode() != ScalingDecision.Mode.HOLD
        && sample.isPresent()) {
      action = scaleIn(p, current - decision.desired(), running, sample.get());
    } else {
      action = "none";
    }
    p.status = new PoolStatus(p.name, decision.desired(), current, ready, floor, p.action);

    PoolLoad l = sample.orElse(null);
    return new Decision(
        now,
        p.name,
        seen,
        current,
        ready,
        l == null ? 0 : l.inFlight(),
        l == null ? 0 : l.requestsPerSecond(),
        l == null ? 0 : l.meanLatencyMicros() / 1000.0,
        l == null ? 0 : l.p99LatencyMicros() / 1000.0,
        l == null ? 0 : l.errorRate(),
        l == null ? 0 : l.queueDepth(),
        observed.stable().value(),
        observed.panic().value(),
        floor,
        forecastRps,
        forecastError,
        decision.forecastDesired(),
        decision.desired(),
        decision.mode().name().toLowerCase(java.util.Locale.ROOT),
        decision.reason(),
        action);
  }

  /** The pool's ready instances at the runtime, without those being drained. */
  private List<Instance> running(PoolState p) {
    List<Instance> out = new ArrayList<>();
    for (Instance i : runtime.list()) {
      if (i.pool().equals(p.name) && !p.removing.contains(i.id())) {
        out.add(i);
      }
    }
    return out;
  }

  private String scaleOut(PoolState p, int count) {
    p.startsPending += count;
    p.outstanding += count;
    p.action = "starting " + count;
    listener.scaled(p.name, Direction.UP, count);
    InstanceSpec spec = p.spec;
    for (int k = 0; k < count; k++) {
      runtime
          .start(spec)
          .whenComplete(
              (instance, error) -> {
                synchronized (this) {
                  p.startsPending--;
                  if (error == null) {
                    p.recordStartup(instance.startupTime());
                    p.startSucceeded();
                  } else {
                    p.startFailed(clock.instant(), MAX_START_BACKOFF);
                  }
                }
                if (error != null) {
                  listener.failed(p.name, "start failed: " + rootMessage(error));
                  stepDone(p);
                  return;
                }
                add(p, instance, spec);
              });
    }
    return "start " + count;
  }

  private void add(PoolState p, Instance instance, InstanceSpec startedAs) {
    InstanceSpec now;
    synchronized (this) {
      now = p.spec;
    }
    if (!startedAs.equals(now)) {
      // a rollout promoted another version while this one was starting: the promotion drained
      // the old version's instances, so this one must not join the pool after it
      listener.failed(
          p.name,
          instance.id()
              + " was started as "
              + startedAs.version()
              + " before the pool moved to "
              + now.version()
              + ": stopping it");
      runtime.stop(instance.id(), settings.stopGrace());
      stepDone(p);
      return;
    }
    CompletableFuture<Void> added;
    try {
      added =
          registry.addBackend(
              p.name, instance.id(), instance.host(), instance.port(), instance.version());
    } catch (RuntimeException e) {
      added = CompletableFuture.failedFuture(e);
    }
    added.whenComplete(
        (v, error) -> {
          if (error != null) {
            listener.failed(
                p.name, "add " + instance.id() + " failed, stopping it: " + rootMessage(error));
            runtime.stop(instance.id(), settings.stopGrace());
          }
          stepDone(p);
        });
  }

  private String scaleIn(PoolState p, int count, List<Instance> running, PoolLoad load) {
    // fewest in-flight first; among equals the newest, whose caches are the coldest
    List<Instance> order = new ArrayList<>(running);
    java.util.Collections.reverse(order);
    order.sort(
        Comparator.comparingInt(i -> load.instance(i.id()).map(x -> x.inFlight()).orElse(0)));
    List<Instance> victims = order.subList(0, Math.min(count, order.size()));
    if (victims.isEmpty()) {
      return "none";
    }
    List<String> ids = victims.stream().map(Instance::id).toList();
    p.removing.addAll(ids);
    p.outstanding += ids.size();
    p.action = "draining " + String.join(",", ids);
    listener.scaled(p.name, Direction.DOWN, ids.size());
    for (String id : ids) {
      CompletableFuture<Void> drained;
      try {
        drained = registry.drainAndRemove(id, settings.drainDeadline());
      } catch (RuntimeException e) {
        drained = CompletableFuture.failedFuture(e);
      }
      drained
          .exceptionally(
              error -> {
                listener.failed(
                    p.name, "drain " + id + " failed, stopping it: " + rootMessage(error));
                return null;
              })
          .thenCompose(v -> runtime.stop(id, settings.stopGrace()))
          .whenComplete(
              (v, error) -> {
                if (error != null) {
                  listener.failed(p.name, "stop " + id + " failed: " + rootMessage(error));
                }
                synchronized (this) {
                  p.removing.remove(id);
                }
                stepDone(p);
              });
    }
    return "drain " + String.join(",", ids);
  }

  private synchronized void stepDone(PoolState p) {
    p.outstanding--;
    if (p.outstanding <= 0) {
      p.outstanding = 0;
      p.action = "none";
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage());
  }

  // ---- what the admin API reads and changes ----

  public synchronized AutoscalerConfig config() {
    return policy.config();
  }

  public synchronized boolean enabled() {
    return enabled;
  }

  /**
   * Applies new settings from the next tick on. The windows keep their samples and the history its
   * recommendations, so a change never resets scale-down stabilisation.
   */
  public synchronized void reconfigure(AutoscalerConfig config, boolean enable) {
    this.policy = ScalingPolicy.concurrency(Objects.requireNonNull(config, "config"));
    this.enabled = enable;
  }

  /**
   * From now on a scale-out of {@code spec.pool()} starts {@code spec} (a rollout promoted a new
   * version). Running instances are left alone; whoever replaced the version drains the old ones.
   *
   * @throws IllegalArgumentException if the loop does not manage that pool
   */
  public synchronized void replaceSpec(InstanceSpec spec) {
    managed(spec.pool()).spec = spec;
  }

  /**
   * No scale-in of {@code pool} until {@link #releaseScaleIn}: a rollout is replacing its
   * instances. While both versions run, the pool looks too large, and the loop's pick (the newest,
   * fewest in flight) would drain the new version while the rollout drains the old one, leaving the
   * pool empty. Scale-out still works.
   *
   * @param why shown as the decisions' action ({@code hold: why})
   * @throws IllegalArgumentException if the loop does not manage that pool
   */
  public synchronized void holdScaleIn(String pool, String why) {
    managed(pool).scaleInHold = Objects.requireNonNull(why, "why");
  }

  /** Ends a {@link #holdScaleIn}; the next tick scales in again if the pool is too large. */
  public synchronized void releaseScaleIn(String pool) {
    managed(pool).scaleInHold = null;
  }

  private PoolState managed(String pool) {
    PoolState p = pools.get(pool);
    if (p == null) {
      throw new IllegalArgumentException(
          "pool: " + pool + " (expected: one of " + pools.keySet() + ")");
    }
    return p;
  }

  /** The current spec of a managed pool. */
  public synchronized Optional<InstanceSpec> spec(String pool) {
    return Optional.ofNullable(pools.get(pool)).map(p -> p.spec);
  }

  /** The firing alerts' replica floors; the admin API's Alertmanager hook changes them. */
  public AlertFloors alertFloors() {
    return floors;
  }

  /** Managed pools as of the last tick, in tick order. */
  public synchronized List<PoolStatus> status() {
    List<PoolStatus> out = new ArrayList<>();
    for (PoolState p : pools.values()) {
      PoolStatus s = p.status;
      out.add(
          new PoolStatus(s.pool(), s.desired(), s.current(), s.ready(), s.alertFloor(), p.action));
    }
    return out;
  }

  /** Whether {@code pool} is managed by this loop. */
  public boolean manages(String pool) {
    return pools.containsKey(pool);
  }

  /** The newest {@code limit} decisions, oldest first. */
  public synchronized List<Decision> decisions(int limit) {
    List<Decision> all = new ArrayList<>(decisions);
    return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
  }

  public LoopSettings settings() {
    return settings;
  }
}
