package com.bankops.balancer.routing;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of two choices on peak-EWMA latency × (in-flight + 1), divided by the slow-start weight.
 *
 * <pre>
 * a: cost 2 ms, 3 in flight, weight 1   → 2 × 4 ÷ 1   =  8
 * b: cost 1 ms, 0 in flight, weight 0.1 → 1 × 1 ÷ 0.1 = 10   → a wins
 * </pre>
 */
final class P2cPeakEwmaPicker implements Picker {
  private final RandomGenerator random;

  P2cPeakEwmaPicker(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public int pick(List<? extends Candidate> candidates, long nowNanos) {
    int n = candidates.size();
    if (n <= 1) {
      return n - 1;
    }
    int a;
    int b;
    if (n == 2) {
      a = 0;
      b = 1;
    } else {
      double total = 0;
      for (Candidate c : candidates) {
        total += Sampling.weightOf(c, nowNanos);
      }
      a = Sampling.weightedIndex(candidates, nowNanos, total, -1, random);
      double rest = total - Sampling.weightOf(candidates.get(a), nowNanos);
      b = Sampling.weightedIndex(candidates, nowNanos, rest, a, random);
    }
    return Sampling.lower(
        a, score(candidates.get(a), nowNanos), b, score(candidates.get(b), nowNanos), random);
  }

  private static double score(Candidate c, long nowNanos) {
    return c.latencyCost(nowNanos) * (c.inFlight() + 1.0) / Sampling.weightOf(c, nowNanos);
  }

  @Override
  public String toString() {
    return Pickers.P2C_PEAK_EWMA;
  }
}
