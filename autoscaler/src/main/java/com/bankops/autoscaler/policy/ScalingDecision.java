package com.bankops.autoscaler.policy;

import java.util.Objects;

/**
 * What the pool should have, and why.
 *
 * @param desired replicas to converge to
 * @param current the input's current replicas, for logging the change
 * @param reason human-readable derivation, e.g. {@code "stable: concurrency 45.0 over 60s at target
 *     10.0 per instance → 5"} followed by each limit that applied
 * @param mode which rule produced it
 * @param concurrency the observed concurrency the decision used (stable or panic window)
 * @param forecastDesired what the forecast alone asked for (also in shadow mode; 0 without one)
 * @param history to pass into the next input
 */
public record ScalingDecision(
    int desired,
    int current,
    String reason,
    Mode mode,
    double concurrency,
    int forecastDesired,
    ScalingHistory history) {

  /** The rule that produced a decision. */
  public enum Mode {
    /** Data missing or stale: keep what runs, never scale in. */
    HOLD,
    /** Normal: the stable window decides. */
    STABLE,
    /** A burst: the panic window decides and nothing scales down. */
    PANIC
  }

  public ScalingDecision {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(history, "history");
  }

  /** desired - current: positive to scale out, negative to scale in. */
  public int change() {
    return desired - current;
  }
}
