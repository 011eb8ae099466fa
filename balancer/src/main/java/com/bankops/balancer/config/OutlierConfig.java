package com.bankops.balancer.config;

/**
 * Passive outlier detection from live traffic (key {@code outlier}). An ejection lasts {@code
 * baseEjectionMs × times ejected}, at most {@code maxEjectionMs}.
 */
public record OutlierConfig(
    int consecutiveFailures,
    int failurePercent,
    int minimumVolume,
    int intervalMs,
    int baseEjectionMs,
    int maxEjectionMs,
    int maxEjectionPercent,
    int panicThresholdPercent) {

  public static final int MAX_CONSECUTIVE_FAILURES = 1_000;
  public static final int MAX_MINIMUM_VOLUME = 1_000_000;
  public static final int MIN_INTERVAL_MS = 100;
  public static final int MAX_DURATION_MS = 86_400_000;

  static OutlierConfig read(ConfigNode n) {
    int consecutive = n.intIn("consecutiveFailures", 1, MAX_CONSECUTIVE_FAILURES);
    int failurePercent = n.intIn("failurePercent", 1, 100);
    int volume = n.intIn("minimumVolume", 1, MAX_MINIMUM_VOLUME);
    int interval = n.intIn("intervalMs", MIN_INTERVAL_MS, MAX_DURATION_MS);
    int before = n.problemCount();
    int base = n.intIn("baseEjectionMs", 1, MAX_DURATION_MS);
    int max = n.intIn("maxEjectionMs", 1, MAX_DURATION_MS);
    if (n.problemCount() == before && max < base) {
      n.problem("maxEjectionMs", max, "outlier.baseEjectionMs (" + base + ").." + MAX_DURATION_MS);
    }
    return new OutlierConfig(
        consecutive,
        failurePercent,
        volume,
        interval,
        base,
        max,
        n.intIn("maxEjectionPercent", 0, 100),
        n.intIn("panicThresholdPercent", 0, 100));
  }
}
