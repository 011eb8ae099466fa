package com.bankops.balancer.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link LoadTracker}. Immutable; validated once.
 *
 * @param decayTime time constant (tau) of the peak-EWMA: an old sample weighs e^(-age/tau)
 * @param failurePenalty latency a failed response counts as at least, so that a backend answering
 *     errors fast does not look fast
 * @param slowStartWindow how long a new backend ramps its weight up to 1; zero disables slow start
 * @param slowStartMinWeight the weight at the start of the ramp, in (0, 1]
 */
public record LoadTrackerConfig(
    Duration decayTime,
    Duration failurePenalty,
    Duration slowStartWindow,
    double slowStartMinWeight) {

  public static final Duration DEFAULT_DECAY_TIME = Duration.ofSeconds(10);
  public static final Duration DEFAULT_FAILURE_PENALTY = Duration.ofSeconds(1);
  public static final Duration DEFAULT_SLOW_START_WINDOW = Duration.ofSeconds(30);
  public static final double DEFAULT_SLOW_START_MIN_WEIGHT = 0.1;

  public static final LoadTrackerConfig DEFAULTS =
      new LoadTrackerConfig(
          DEFAULT_DECAY_TIME,
          DEFAULT_FAILURE_PENALTY,
          DEFAULT_SLOW_START_WINDOW,
          DEFAULT_SLOW_START_MIN_WEIGHT);

  public LoadTrackerConfig {
    Objects.requireNonNull(decayTime, "decayTime");
    Objects.requireNonNull(failurePenalty, "failurePenalty");
    Objects.requireNonNull(slowStartWindow, "slowStartWindow");
    if (decayTime.isNegative() || decayTime.isZero()) {
      throw new IllegalArgumentException("decayTime: " + decayTime + " (expected: > 0)");
    }
    if (failurePenalty.isNegative()) {
      throw new IllegalArgumentException("failurePenalty: " + failurePenalty + " (expected: >= 0)");
    }
    if (slowStartWindow.isNegative()) {
      throw new IllegalArgumentException(
          "slowStartWindow: " + slowStartWindow + " (expected: >= 0)");
    }
    if (!(slowStartMinWeight > 0 && slowStartMinWeight <= 1)) {
      throw new IllegalArgumentException(
          "slowStartMinWeight: " + slowStartMinWeight + " (expected: > 0 and <= 1)");
    }
  }

  public LoadTrackerConfig withSlowStartWindow(Duration window) {
    return new LoadTrackerConfig(decayTime, failurePenalty, window, slowStartMinWeight);
  }

  public LoadTrackerConfig withDecayTime(Duration tau) {
    return new LoadTrackerConfig(tau, failurePenalty, slowStartWindow, slowStartMinWeight);
  }

  public LoadTrackerConfig withFailurePenalty(Duration penalty) {
    return new LoadTrackerConfig(decayTime, penalty, slowStartWindow, slowStartMinWeight);
  }
}
