package com.bankops.balancer.health;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link OutlierDetector} (names and defaults after Envoy's outlier detection).
 * Immutable; validated once with messages that name the field.
 *
 * @param consecutiveFailures failures in a row that eject; 0 disables this check
 * @param failurePercentageThreshold failure percentage in an interval that ejects, (0, 100]; 0
 *     disables this check
 * @param failurePercentageMinimumVolume results an interval needs before its percentage counts
 * @param interval length of the failure-percentage interval; also how often a clean record takes
 *     one step off the ejection multiplier
 * @param baseEjectionTime ejection time of a first ejection; the n-th lasts n times as long
 * @param maxEjectionTime cap on one ejection
 * @param maxEjectionPercent at most this share of the pool is ejected at once, 0..100
 */
public record OutlierConfig(
    int consecutiveFailures,
    double failurePercentageThreshold,
    int failurePercentageMinimumVolume,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    double maxEjectionPercent) {

  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  public static final double DEFAULT_FAILURE_PERCENTAGE_THRESHOLD = 50;
  public static final int DEFAULT_FAILURE_PERCENTAGE_MINIMUM_VOLUME = 20;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
  public static final double DEFAULT_MAX_EJECTION_PERCENT = 50;

  public static final OutlierConfig DEFAULTS =
      new OutlierConfig(
          DEFAULT_CONSECUTIVE_FAILURES,
          DEFAULT_FAILURE_PERCENTAGE_THRESHOLD,
          DEFAULT_FAILURE_PERCENTAGE_MINIMUM_VOLUME,
          DEFAULT_INTERVAL,
          DEFAULT_BASE_EJECTION_TIME,
          DEFAULT_MAX_EJECTION_TIME,
          DEFAULT_MAX_EJECTION_PERCENT);

  public OutlierConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
    Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
    if (consecutiveFailures < 0) {
      throw new IllegalArgumentException(
          "consecutiveFailures: " + consecutiveFailures + " (expected: >= 0, 0 disables)");
    }
    if (!(failurePercentageThreshold >= 0 && failurePercentageThreshold <= 100)) {
      throw new IllegalArgumentException(
          "failurePercentageThreshold: "
              + failurePercentageThreshold
              + " (expected: 0..100, 0 disables)");
    }
    if (failurePercentageMinimumVolume < 1) {
      throw new IllegalArgumentException(
          "failurePercentageMinimumVolume: "
              + failurePercentageMinimumVolume
              + " (expected: >= 1)");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    if (baseEjectionTime.isNegative() || baseEjectionTime.isZero()) {
      throw new IllegalArgumentException(
          "baseEjectionTime: " + baseEjectionTime + " (expected: > 0)");
    }
    if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
      throw new IllegalArgumentException(
          "maxEjectionTime: "
              + maxEjectionTime
              + " (expected: >= baseEjectionTime "
              + baseEjectionTime
              + ")");
    }
    if (!(maxEjectionPercent >= 0 && maxEjectionPercent <= 100)) {
      throw new IllegalArgumentException(
          "maxEjectionPercent: " + maxEjectionPercent + " (expected: 0..100)");
    }
  }
}
