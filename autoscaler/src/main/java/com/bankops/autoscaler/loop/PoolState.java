package com.bankops.autoscaler.loop;

import com.bankops.autoscaler.forecast.HoltForecaster;
import com.bankops.autoscaler.policy.ScalingHistory;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.signals.SignalWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the loop remembers of one pool between ticks. Guarded by the loop's lock. */
final class PoolState {
  private static final int STARTUP_SAMPLES = 50;

  final String name;

  /** What a scale-out starts; a promoted rollout replaces it with the new version. */
  InstanceSpec spec;

  final SignalWindow concurrency;
  ScalingHistory history = ScalingHistory.EMPTY;
  HoltForecaster forecaster = HoltForecaster.withDefaults();
  final Deque<Prediction> predictions = new ArrayDeque<>();
  private final Deque<Duration> startupTimes = new ArrayDeque<>();

  /** Starts launched and not yet completed (the instance is not in the runtime's list yet). */
  int startsPending;

  /** Steps of the running action (each start+add or drain+stop); 0 when idle. */
  int outstanding;

  String action = "none";

  /** Why scale-in is held (a rollout is replacing the pool's instances); null when it is not. */
  String scaleInHold;

  /** After a failed start, no scale-out before this (doubling back-off, reset by a success). */
  Instant noStartBefore = Instant.EPOCH;

  Duration startBackoff = Duration.ZERO;
  final Set<String> removing = new HashSet<>();
  PoolStatus status;

  /** A forecast made for {@code due}. */
  record Prediction(Instant due, double requestsPerSecond) {}

  PoolState(InstanceSpec spec, Duration retention) {
    this.name = spec.pool();
    this.spec = spec;
    this.concurrency = new SignalWindow(retention);
    this.status = new PoolStatus(name, 0, 0, 0, 0, "none");
  }

  /** 2 s, 4 s, 8 s ... up to {@code max} after consecutive failed starts. */
  void startFailed(Instant now, Duration max) {
    startBackoff =
        startBackoff.isZero()
            ? Duration.ofSeconds(2)
            : startBackoff.multipliedBy(2).compareTo(max) > 0 ? max : startBackoff.multipliedBy(2);
    noStartBefore = now.plus(startBackoff);
  }

  void startSucceeded() {
    startBackoff = Duration.ZERO;
  }

  boolean busy() {
    return outstanding > 0;
  }

  void recordStartup(Duration d) {
    startupTimes.addLast(d);
    while (startupTimes.size() > STARTUP_SAMPLES) {
      startupTimes.removeFirst();
    }
  }

  /** The p95 of the measured start-up times (nearest rank), or {@code fallback} before any. */
  Duration startupP95(Duration fallback) {
    if (startupTimes.isEmpty()) {
      return fallback;
    }
    List<Duration> sorted = new ArrayList<>(startupTimes);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(0.95 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /**
   * actual − predicted for the newest prediction due by {@code now} (older due ones are dropped),
   * or NaN when none fell due.
   */
  double forecastError(Instant now, double actualRps) {
    Prediction due = null;
    while (!predictions.isEmpty() && !predictions.peekFirst().due().isAfter(now)) {
      due = predictions.pollFirst();
    }
    return due == null ? Double.NaN : actualRps - due.requestsPerSecond();
  }
}
