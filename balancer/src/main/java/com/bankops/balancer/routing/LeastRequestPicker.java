package com.bankops.balancer.routing;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of two choices on (in-flight + 1) ÷ weight. The +1 lets the weight count when both are
 * idle, so a warming backend does not win every idle tie.
 */
final class LeastRequestPicker implements Picker {
  private final RandomGenerator random;

  LeastRequestPicker(RandomGenerator random) {
    this.random = random;
  }

  @Override
  public int pick(List<? extends Candidate> candidates, long nowNanos) {
    int n = candidates.size();
    if (n <= 1) {
      return n - 1;
    }
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    return Sampling.lower(
        a, score(candidates.get(a), nowNanos), b, score(candidates.get(b), nowNanos), random);
  }

  private static double score(Candidate c, long nowNanos) {
    return (c.inFlight() + 1.0) / Sampling.weightOf(c, nowNanos);
  }

  @Override
  public String toString() {
    return Pickers.LEAST_REQUEST;
  }
}
