package com.bankops.balancer.config;

import com.bankops.autoscaler.policy.AutoscalerConfig;
import com.bankops.autoscaler.policy.ForecastMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The autoscaler (key {@code autoscaler}): the policy's numbers for the stable pool and how the
 * loop acts. Windows and delays in milliseconds. {@link #policy()} turns it into the autoscaler
 * module's {@link AutoscalerConfig}; rules across fields (min ≤ max, panic ≤ stable window) are
 * checked here, so that conversion never fails.
 */
public record AutoscalerSettings(
    boolean enabled,
    int minReplicas,
    int maxReplicas,
    double targetConcurrency,
    double tolerance,
    int stableWindowMs,
    int panicWindowMs,
    int scaleDownStabilizationMs,
    int staleAfterMs,
    ForecastMode forecast,
    int tickMs,
    int signalWindowMs,
    int drainDeadlineMs,
    int stopGraceMs,
    int decisionsKept) {

  public static final int MAX_REPLICAS = 64;
  public static final double MAX_TARGET_CONCURRENCY = 10_000;
  public static final int MAX_WINDOW_MS = 3_600_000;
  public static final int MAX_DECISIONS_KEPT = 10_000;

  static AutoscalerSettings read(ConfigNode n) {
    AutoscalerSettings s =
        new AutoscalerSettings(
            n.bool("enabled"),
            n.intIn("minReplicas", 0, MAX_REPLICAS),
            n.intIn("maxReplicas", 1, MAX_REPLICAS),
            n.doubleIn("targetConcurrency", 0.01, MAX_TARGET_CONCURRENCY),
            n.doubleIn("tolerance", 0, 0.99),
            n.intIn("stableWindowMs", 1000, MAX_WINDOW_MS),
            n.intIn("panicWindowMs", 1000, MAX_WINDOW_MS),
            n.intIn("scaleDownStabilizationMs", 0, MAX_WINDOW_MS),
            n.intIn("staleAfterMs", 100, MAX_WINDOW_MS),
            n.oneOf("forecast", forecastModes(), ForecastMode.SHADOW),
            n.intIn("tickMs", 100, 60_000),
            n.intIn("signalWindowMs", 1000, 300_000),
            n.intIn("drainDeadlineMs", 0, DrainConfig.MAX_DEADLINE_MS),
            n.intIn("stopGraceMs", 0, 600_000),
            n.intIn("decisionsKept", 1, MAX_DECISIONS_KEPT));
    if (s.maxReplicas < s.minReplicas) {
      n.problem("maxReplicas", s.maxReplicas, ">= minReplicas = " + s.minReplicas);
    }
    if (s.panicWindowMs > s.stableWindowMs) {
      n.problem("panicWindowMs", s.panicWindowMs, "<= stableWindowMs = " + s.stableWindowMs);
    }
    return s;
  }

  /** {@code off}, {@code shadow}, {@code active}. */
  public static Map<String, ForecastMode> forecastModes() {
    return Map.of(
        "off", ForecastMode.OFF, "shadow", ForecastMode.SHADOW, "active", ForecastMode.ACTIVE);
  }

  /** The wire name of a forecast mode. */
  public static String wire(ForecastMode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /** The policy's configuration; the other policy settings keep the autoscaler's defaults. */
  public AutoscalerConfig policy() {
    return AutoscalerConfig.builder()
        .minReplicas(minReplicas)
        .maxReplicas(Math.max(1, maxReplicas))
        .targetConcurrency(targetConcurrency)
        .tolerance(tolerance)
        .stableWindow(Duration.ofMillis(stableWindowMs))
        .panicWindow(Duration.ofMillis(Math.min(panicWindowMs, stableWindowMs)))
        .scaleDownStabilization(Duration.ofMillis(scaleDownStabilizationMs))
        .staleAfter(Duration.ofMillis(staleAfterMs))
        .forecastMode(forecast)
        .build();
  }
}
