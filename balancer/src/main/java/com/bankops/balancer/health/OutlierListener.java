package com.bankops.balancer.health;

import java.time.Duration;

/**
 * Hears ejections and their end. Called on the thread that reported the result or called {@link
 * OutlierDetector#expire}, outside the detector's locks: keep it short (publish a new snapshot,
 * log) and never block.
 */
public interface OutlierListener {

  default void onEject(
      String backendId, EjectionReason reason, Duration ejectedFor, long nowNanos) {}

  default void onUneject(String backendId, long nowNanos) {}

  /** Hears nothing; use instead of null. */
  static OutlierListener noop() {
    return NoopOutlierListener.INSTANCE;
  }
}
