package com.bankops.balancer.routing;

import java.util.List;
import java.util.random.RandomGenerator;

/** Weighted sampling shared by the pickers. */
final class Sampling {
  /** Weights are (0, 1] by contract; a bad one must not divide by zero or vanish entirely. */
  static final double MIN_WEIGHT = 1e-6;

  private Sampling() {}

  static double weightOf(Candidate c, long nowNanos) {
    double w = c.weight(nowNanos);
    if (!(w >= MIN_WEIGHT)) {
      return MIN_WEIGHT;
    }
    return Math.min(w, 1.0);
  }

  /**
   * An index drawn with chance proportional to its weight, skipping {@code excluded} (-1 for none);
   * {@code total} is the sum of the weights not excluded.
   */
  static int weightedIndex(
      List<? extends Candidate> candidates,
      long nowNanos,
      double total,
      int excluded,
      RandomGenerator random) {
    double r = random.nextDouble() * total;
    int last = -1;
    for (int i = 0; i < candidates.size(); i++) {
      if (i == excluded) {
        continue;
      }
      last = i;
      r -= weightOf(candidates.get(i), nowNanos);
      if (r < 0) {
        return i;
      }
    }
    // Rounding left r a hair above zero: the last eligible index.
    return last;
  }

  /** The index with the lower score; a tie is broken at random so neither side is favoured. */
  static int lower(int a, double scoreA, int b, double scoreB, RandomGenerator random) {
    if (scoreA < scoreB) {
      return a;
    }
    if (scoreB < scoreA) {
      return b;
    }
    return random.nextBoolean() ? a : b;
  }
}
