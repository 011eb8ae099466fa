package com.bankops.autoscaler.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The policy's settings for one pool. Immutable, validated on construction with messages that name
 * the field and the expected range; defaults are the {@code DEFAULT_*} constants.
 *
 * @param minReplicas never fewer (0 allows an empty pool, e.g. canary without a rollout)
 * @param maxReplicas never more; an alert floor above it is capped too
 * @param targetConcurrency in-flight requests one instance should carry (Little's law: rps × mean
 *     latency)
 * @param targetCpuUtilization CPU per ready instance, 0..1 of its share, for the second signal
 * @param tolerance a usage ratio within 1 ± tolerance changes nothing (no flapping)
 * @param stableWindow averaging window of the normal mode
 * @param panicWindow averaging window that detects bursts
 * @param panicThreshold panic when panic-window desired ÷ ready ≥ this; panic ends one stable
 *     window after the condition last held, and never scales down
 * @param maxScaleUpRate one decision goes up to ready × this ...
 * @param maxScaleUpStep ... or ready + this, whichever is larger (the HPA's 100% or 4 pods)
 * @param maxScaleDownRate one decision goes down to no less than current ÷ this
 * @param scaleDownStabilization scale-down goes only to the highest recommendation in this window
 * @param staleAfter load signals older than this hold the current count
 * @param cpuStaleAfter CPU samples older than this are ignored (CPU is sampled more slowly)
 * @param forecastMode what the predictive forecast may do
 */
public record AutoscalerConfig(
    int minReplicas,
    int maxReplicas,
    double targetConcurrency,
    double targetCpuUtilization,
    double tolerance,
    Duration stableWindow,
    Duration panicWindow,
    double panicThreshold,
    double maxScaleUpRate,
    int maxScaleUpStep,
    double maxScaleDownRate,
    Duration scaleDownStabilization,
    Duration staleAfter,
    Duration cpuStaleAfter,
    ForecastMode forecastMode) {

  public static final int DEFAULT_MIN_REPLICAS = 1;
  public static final int DEFAULT_MAX_REPLICAS = 10;
  public static final double DEFAULT_TARGET_CONCURRENCY = 10.0;
  public static final double DEFAULT_TARGET_CPU_UTILIZATION = 0.7;
  public static final double DEFAULT_TOLERANCE = 0.1;
  public static final Duration DEFAULT_STABLE_WINDOW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_PANIC_WINDOW = Duration.ofSeconds(6);
  public static final double DEFAULT_PANIC_THRESHOLD = 2.0;
  public static final double DEFAULT_MAX_SCALE_UP_RATE = 2.0;
  public static final int DEFAULT_MAX_SCALE_UP_STEP = 4;
  public static final double DEFAULT_MAX_SCALE_DOWN_RATE = 2.0;
  public static final Duration DEFAULT_SCALE_DOWN_STABILIZATION = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CPU_STALE_AFTER = Duration.ofSeconds(30);
  public static final ForecastMode DEFAULT_FORECAST_MODE = ForecastMode.SHADOW;

  public AutoscalerConfig {
    Objects.requireNonNull(stableWindow, "stableWindow");
    Objects.requireNonNull(panicWindow, "panicWindow");
    Objects.requireNonNull(scaleDownStabilization, "scaleDownStabilization");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(cpuStaleAfter, "cpuStaleAfter");
    Objects.requireNonNull(forecastMode, "forecastMode");
    check(minReplicas >= 0, "minReplicas", minReplicas, ">= 0");
    check(
        maxReplicas >= Math.max(1, minReplicas),
        "maxReplicas",
        maxReplicas,
        ">= max(1, minReplicas = " + minReplicas + ")");
    check(targetConcurrency > 0, "targetConcurrency", targetConcurrency, "> 0");
    check(
        targetCpuUtilization > 0 && targetCpuUtilization <= 1,
        "targetCpuUtilization",
        targetCpuUtilization,
        "0 < x <= 1");
    check(tolerance >= 0 && tolerance < 1, "tolerance", tolerance, "0 <= x < 1");
    check(positive(stableWindow), "stableWindow", stableWindow, "> 0");
    check(positive(panicWindow), "panicWindow", panicWindow, "> 0");
    check(
        panicWindow.compareTo(stableWindow) <= 0,
        "panicWindow",
        panicWindow,
        "<= stableWindow = " + stableWindow);
    check(panicThreshold > 1, "panicThreshold", panicThreshold, "> 1");
    check(maxScaleUpRate > 1, "maxScaleUpRate", maxScaleUpRate, "> 1");
    check(maxScaleUpStep >= 1, "maxScaleUpStep", maxScaleUpStep, ">= 1");
    check(maxScaleDownRate > 1, "maxScaleDownRate", maxScaleDownRate, "> 1");
    check(
        !scaleDownStabilization.isNegative(),
        "scaleDownStabilization",
        scaleDownStabilization,
        ">= 0");
    check(positive(staleAfter), "staleAfter", staleAfter, "> 0");
    check(positive(cpuStaleAfter), "cpuStaleAfter", cpuStaleAfter, "> 0");
  }

  public static AutoscalerConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .minReplicas(minReplicas)
        .maxReplicas(maxReplicas)
        .targetConcurrency(targetConcurrency)
        .targetCpuUtilization(targetCpuUtilization)
        .tolerance(tolerance)
        .stableWindow(stableWindow)
        .panicWindow(panicWindow)
        .panicThreshold(panicThreshold)
        .maxScaleUpRate(maxScaleUpRate)
        .maxScaleUpStep(maxScaleUpStep)
        .maxScaleDownRate(maxScaleDownRate)
        .scaleDownStabilization(scaleDownStabilization)
        .staleAfter(staleAfter)
        .cpuStaleAfter(cpuStaleAfter)
        .forecastMode(forecastMode);
  }

  private static boolean positive(Duration d) {
    return !d.isZero() && !d.isNegative();
  }

  private static void check(boolean ok, String field, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
    }
  }

  /** Starts from the defaults; {@link #build} validates. */
  public static final class Builder {
    private int minReplicas = DEFAULT_MIN_REPLICAS;
    private int maxReplicas = DEFAULT_MAX_REPLICAS;
    private double targetConcurrency = DEFAULT_TARGET_CONCURRENCY;
    private double targetCpuUtilization = DEFAULT_TARGET_CPU_UTILIZATION;
    private double tolerance = DEFAULT_TOLERANCE;
    private Duration stableWindow = DEFAULT_STABLE_WINDOW;
    private Duration panicWindow = DEFAULT_PANIC_WINDOW;
    private double panicThreshold = DEFAULT_PANIC_THRESHOLD;
    private double maxScaleUpRate = DEFAULT_MAX_SCALE_UP_RATE;
    private int maxScaleUpStep = DEFAULT_MAX_SCALE_UP_STEP;
    private double maxScaleDownRate = DEFAULT_MAX_SCALE_DOWN_RATE;
    private Duration scaleDownStabilization = DEFAULT_SCALE_DOWN_STABILIZATION;
    private Duration staleAfter = DEFAULT_STALE_AFTER;
    private Duration cpuStaleAfter = DEFAULT_CPU_STALE_AFTER;
    private ForecastMode forecastMode = DEFAULT_FORECAST_MODE;

    private Builder() {}

    public Builder minReplicas(int value) {
      minReplicas = value;
      return this;
    }

    public Builder maxReplicas(int value) {
      maxReplicas = value;
      return this;
    }

    public Builder targetConcurrency(double value) {
      targetConcurrency = value;
      return this;
    }

    public Builder targetCpuUtilization(double value) {
      targetCpuUtilization = value;
      return this;
    }

    public Builder tolerance(double value) {
      tolerance = value;
      return this;
    }

    public Builder stableWindow(Duration value) {
      stableWindow = value;
      return this;
    }

    public Builder panicWindow(Duration value) {
      panicWindow = value;
      return this;
    }

    public Builder panicThreshold(double value) {
      panicThreshold = value;
      return this;
    }

    public Builder maxScaleUpRate(double value) {
      maxScaleUpRate = value;
      return this;
    }

    public Builder maxScaleUpStep(int value) {
      maxScaleUpStep = value;
      return this;
    }

    public Builder maxScaleDownRate(double value) {
      maxScaleDownRate = value;
      return this;
    }

    public Builder scaleDownStabilization(Duration value) {
      scaleDownStabilization = value;
      return this;
    }

    public Builder staleAfter(Duration value) {
      staleAfter = value;
      return this;
    }

    public Builder cpuStaleAfter(Duration value) {
      cpuStaleAfter = value;
      return this;
    }

    public Builder forecastMode(ForecastMode value) {
      forecastMode = value;
      return this;
    }

    public AutoscalerConfig build() {
      return new AutoscalerConfig(
          minReplicas,
          maxReplicas,
          targetConcurrency,
          targetCpuUtilization,
          tolerance,
          stableWindow,
          panicWindow,
          panicThreshold,
          maxScaleUpRate,
          maxScaleUpStep,
          maxScaleDownRate,
          scaleDownStabilization,
          staleAfter,
          cpuStaleAfter,
          forecastMode);
    }
  }
}
