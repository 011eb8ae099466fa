package com.bankops.balancer.rollout;

import com.bankops.balancer.stats.WindowSnapshot;

/**
 * One pool's outcome over an analysis window.
 *
 * @param p99Micros 0 when there were no requests
 */
public record PoolFigures(long count, long errors, long p99Micros) {
  public static final PoolFigures NONE = new PoolFigures(0, 0, 0);

  public PoolFigures {
    if (count < 0 || errors < 0 || p99Micros < 0) {
      throw new IllegalArgumentException("figures: negative (count, errors and p99 are >= 0)");
    }
  }

  public static PoolFigures of(WindowSnapshot w) {
    return new PoolFigures(w.count(), Math.min(w.errors(), w.count()), w.p99());
  }

  /** errors ÷ count, 0 without requests. */
  public double errorRate() {
    return count == 0 ? 0 : (double) errors / count;
  }
}
