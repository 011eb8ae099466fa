package com.bankops.balancer.health;

/**
 * Envoy's panic threshold: when too few members of a pool are healthy, health filtering would pile
 * all traffic onto the survivors (or answer 503 to everyone), so route to all members instead,
 * ejected ones included.
 *
 * <pre>
 * threshold 50%:  2 of 4 healthy (50%) → healthy only    1 of 4 (25%) → all members
 * </pre>
 */
public final class PanicMode {
  public static final double DEFAULT_THRESHOLD_PERCENT = 50;

  private PanicMode() {}

  /**
   * @param panicThresholdPercent 0..100; 0 never panics
   * @return whether to route to all {@code total} members rather than the {@code healthy} ones
   */
  public static boolean useAll(int healthy, int total, double panicThresholdPercent) {
    if (total < 0) {
      throw new IllegalArgumentException("total: " + total + " (expected: >= 0)");
    }
    if (healthy < 0 || healthy > total) {
      throw new IllegalArgumentException("healthy: " + healthy + " (expected: 0.." + total + ")");
    }
    if (!(panicThresholdPercent >= 0 && panicThresholdPercent <= 100)) {
      throw new IllegalArgumentException(
          "panicThresholdPercent: " + panicThresholdPercent + " (expected: 0..100)");
    }
    return total > 0 && healthy * 100.0 < total * panicThresholdPercent;
  }

  /** With the default threshold of 50%. */
  public static boolean useAll(int healthy, int total) {
    return useAll(healthy, total, DEFAULT_THRESHOLD_PERCENT);
  }
}
