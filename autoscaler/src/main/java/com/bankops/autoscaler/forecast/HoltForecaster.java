package com.bankops.autoscaler.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Holt's linear trend (double exponential smoothing) on a rate, for samples at any spacing. An
 * immutable value: {@link #observe} returns the next state.
 *
 * <pre>
 *   dt      = seconds since the previous sample
 *   level'  = α·x + (1 − α)·(level + trend·dt)
 *   trend'  = β·(level' − level)/dt + (1 − β)·trend          (per second)
 *   forecast(h) = max(0, level + trend·h)
 * </pre>
 *
 * The second sample initialises the trend to the first difference, so an exact linear ramp is
 * predicted exactly from then on.
 */
public final class HoltForecaster {

  public static final double DEFAULT_ALPHA = 0.3;
  public static final double DEFAULT_BETA = 0.1;

  private final double alpha;
  private final double beta;
  private final int observations;
  private final Instant last;
  private final double level;
  private final double trend;

  private HoltForecaster(
      double alpha, double beta, int observations, Instant last, double level, double trend) {
    this.alpha = alpha;
    this.beta = beta;
    this.observations = observations;
    this.last = last;
    this.level = level;
    this.trend = trend;
  }

  /** An empty forecaster; α smooths the level, β the trend, both in (0, 1]. */
  public static HoltForecaster create(double alpha, double beta) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha: " + alpha + " (expected: 0 < alpha <= 1)");
    }
    if (!(beta > 0 && beta <= 1)) {
      throw new IllegalArgumentException("beta: " + beta + " (expected: 0 < beta <= 1)");
    }
    return new HoltForecaster(alpha, beta, 0, Instant.EPOCH, 0, 0);
  }

  public static HoltForecaster withDefaults() {
    return create(DEFAULT_ALPHA, DEFAULT_BETA);
  }

  /**
   * The state after one more sample. A sample not after the previous one is ignored (returns this).
   */
  public HoltForecaster observe(Instant at, double value) {
    Objects.requireNonNull(at, "at");
    if (!Double.isFinite(value) || value < 0) {
      throw new IllegalArgumentException("value: " + value + " (expected: finite, >= 0)");
    }
    if (observations == 0) {
      return new HoltForecaster(alpha, beta, 1, at, value, 0);
    }
    if (!at.isAfter(last)) {
      return this;
    }
    double dt = Duration.between(last, at).toNanos() / 1e9;
    if (observations == 1) {
      return new HoltForecaster(alpha, beta, 2, at, value, (value - level) / dt);
    }
    double nextLevel = alpha * value + (1 - alpha) * (level + trend * dt);
    double nextTrend = beta * (nextLevel - level) / dt + (1 - beta) * trend;
    return new HoltForecaster(alpha, beta, observations + 1, at, nextLevel, nextTrend);
  }

  /** The rate expected {@code horizonSeconds} after the last sample; never negative. */
  public double forecast(double horizonSeconds) {
    if (!(horizonSeconds >= 0) || Double.isInfinite(horizonSeconds)) {
      throw new IllegalArgumentException("horizonSeconds: " + horizonSeconds + " (expected: >= 0)");
    }
    return Math.max(0, level + trend * horizonSeconds);
  }

  /** Whether a trend exists (two samples or more). */
  public boolean isWarm() {
    return observations >= 2;
  }

  public int observations() {
    return observations;
  }

  public double level() {
    return level;
  }

  /** Change of the rate per second. */
  public double trendPerSecond() {
    return trend;
  }

  /** The last sample's time ({@link Instant#EPOCH} before any). */
  public Instant lastObservedAt() {
    return last;
  }
}
