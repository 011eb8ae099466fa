package com.bankops.autoscaler.policy;

/**
 * Decides one pool's replica count. Pure: the same input gives the same decision; time and memory
 * travel in the input ({@link ScalingInput#now()}, {@link ScalingInput#history()}).
 */
public interface ScalingPolicy {

  /**
   * Concurrency by Little's law against a per-instance target, with stable and panic windows, a
   * tolerance band, CPU as a second signal, an optional forecast, alert floors, scale-down
   * stabilisation, rate limits and min/max. See {@link ConcurrencyScalingPolicy} for the order.
   */
  static ScalingPolicy concurrency(AutoscalerConfig config) {
    return new ConcurrencyScalingPolicy(config);
  }

  ScalingDecision decide(ScalingInput input);

  AutoscalerConfig config();
}
