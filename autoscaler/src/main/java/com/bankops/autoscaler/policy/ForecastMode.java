package com.bankops.autoscaler.policy;

/** What the predictive forecast may do. */
public enum ForecastMode {
  /** Ignored. */
  OFF,
  /** Computed and reported with each decision (to measure its error), never acted on. */
  SHADOW,
  /** desired = max(reactive, forecast): it may add capacity, never remove it. */
  ACTIVE
}
