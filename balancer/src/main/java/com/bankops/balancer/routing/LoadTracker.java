package com.bankops.balancer.routing;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Live load of one backend, as the pickers see it: in-flight count, peak-EWMA latency with a
 * failure penalty, and a slow-start weight. Safe for concurrent use by several event loops without
 * locks: one atomic counter and one atomically swapped immutable EWMA state.
 *
 * <p>Peak-EWMA (Finagle, Linkerd): a sample above the estimate replaces it at once, so a backend
 * that turns slow is avoided immediately; a lower sample only pulls the estimate down with time
 * constant tau:
 *
 * <pre>
 * cost' = sample                              if sample > cost
 *       = cost·w + sample·(1 − w),  w = e^(−Δt/τ)   otherwise
 * </pre>
 *
 * While the backend is idle (nothing in flight) the estimate fades towards zero with the same tau,
 * as in Finagle and tower, so a backend the pickers avoided after a bad spell is probed again. It
 * does not fade while requests are in flight: a hung backend keeps its cost until those requests
 * end (a timeout ends as a failure and records the penalty).
 *
 * <p>Before its first response a backend has no estimate: its cost is 0 while idle (it is tried)
 * and the penalty while a probe is in flight (one probe at a time, as Finagle does).
 */
public final class LoadTracker implements Candidate {

  private record Ewma(double costMicros, long stampNanos, boolean sampled) {
    static final Ewma NONE = new Ewma(0, 0, false);
  }

  private final double tauNanos;
  private final double penaltyMicros;
  private final long slowStartNanos;
  private final double minWeight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicReference<Ewma> ewma = new AtomicReference<>(Ewma.NONE);
  private volatile long warmupStartNanos;

  /**
   * @param warmupStartNanos when slow start begins (usually when the backend became ready)
   */
  public LoadTracker(LoadTrackerConfig config, long warmupStartNanos) {
    Objects.requireNonNull(config, "config");
    this.tauNanos = config.decayTime().toNanos();
    this.penaltyMicros = config.failurePenalty().toNanos() / 1_000.0;
    this.slowStartNanos = config.slowStartWindow().toNanos();
    this.minWeight = config.slowStartMinWeight();
    this.warmupStartNanos = warmupStartNanos;
  }

  /** With {@link LoadTrackerConfig#DEFAULTS}. */
  public LoadTracker(long warmupStartNanos) {
    this(LoadTrackerConfig.DEFAULTS, warmupStartNanos);
  }

  /** A request was sent to this backend. Pair every call with {@code onEnd} or {@code onCancel}. */
  public void onStart() {
    inFlight.incrementAndGet();
  }

  /**
   * A request ended with a response or a failure (connect failure, reset, timeout, 5xx as the
   * caller decides).
   *
   * @param latencyNanos time from sending the request to the end of the response (or the failure)
   * @param failure whether to count at least the failure penalty
   */
  public void onEnd(long latencyNanos, boolean failure, long nowNanos) {
    decrementInFlight();
    double sample = Math.max(0, latencyNanos) / 1_000.0;
    if (failure) {
      sample = Math.max(sample, penaltyMicros);
    }
    Ewma prev;
    Ewma next;
    do {
      prev = ewma.get();
      next = observe(prev, sample, nowNanos);
    } while (!ewma.compareAndSet(prev, next));
  }

  /**
   * The request now waits for a connection to this backend: a pooled one to be lent, or a new one
   * to connect. The autoscaler reads the sum as the pool's queue depth. Pair with {@link
   * #onDequeued}.
   */
  public void onQueued() {
    queued.incrementAndGet();
  }

  /** The wait for a connection ended, with a connection or with a failure. */
  public void onDequeued() {
    queued.getAndUpdate(v -> v > 0 ? v - 1 : 0);
  }

  /** Requests waiting for a connection to this backend now. */
  public int queued() {
    return queued.get();
  }

  /** A request ended without telling anything about the backend (e.g. the client went away). */
  public void onCancel() {
    decrementInFlight();
  }

  /** Restarts slow start, e.g. when an ejected backend comes back. */
  public void restartWarmup(long nowNanos) {
    warmupStartNanos = nowNanos;
  }

  /** Whether the slow-start ramp is still below full weight. */
  public boolean warmingUp(long nowNanos) {
    return weight(nowNanos) < 1.0;
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public double latencyCost(long nowNanos) {
    Ewma e = ewma.get();
    int active = inFlight.get();
    if (!e.sampled()) {
      return active == 0 ? 0 : penaltyMicros;
    }
    if (active > 0) {
      return e.costMicros();
    }
    long idle = Math.max(0, nowNanos - e.stampNanos());
    return e.costMicros() * Math.exp(-idle / tauNanos);
  }

  /**
   * Slow start: a linear ramp from the minimum weight to 1 over the window.
   *
   * <pre>
   * window 30 s, min 0.1:  t=0 → 0.1   t=15 s → 0.55   t≥30 s → 1
   * </pre>
   */
  @Override
  public double weight(long nowNanos) {
    if (slowStartNanos <= 0) {
      return 1.0;
    }
    long elapsed = nowNanos - warmupStartNanos;
    if (elapsed >= slowStartNanos) {
      return 1.0;
    }
    if (elapsed <= 0) {
      return minWeight;
    }
    return minWeight + (1.0 - minWeight) * ((double) elapsed / slowStartNanos);
  }

  @Override
  public String toString() {
    Ewma e = ewma.get();
    return "LoadTracker{inFlight=" + inFlight.get() + ", costMicros=" + e.costMicros() + "}";
  }

  private Ewma observe(Ewma prev, double sample, long now) {
    if (!prev.sampled()) {
      return new Ewma(sample, now, true);
    }
    // Concurrent event loops may report slightly out of order; never move the stamp back.
    long stamp = Math.max(prev.stampNanos(), now);
    if (sample > prev.costMicros()) {
      return new Ewma(sample, stamp, true);
    }
    double w = Math.exp(-Math.max(0, now - prev.stampNanos()) / tauNanos);
    return new Ewma(prev.costMicros() * w + sample * (1 - w), stamp, true);
  }

  private void decrementInFlight() {
    // An unpaired end is a caller bug; never let the count go negative and skew the pickers.
    inFlight.getAndUpdate(v -> v > 0 ? v - 1 : 0);
  }
}
