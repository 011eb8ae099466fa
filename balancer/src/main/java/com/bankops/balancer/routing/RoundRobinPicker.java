package com.bankops.balancer.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin on one shared atomic counter. Turn {@code t} goes to index {@code t mod n} in round
 * {@code r = t div n}; a candidate of weight w takes its turn only in rounds where {@code
 * floor((r+1)·w) > floor(r·w)}, i.e. a fraction w of them, deterministically:
 *
 * <pre>
 * weights [1, 1, 0.5]:  round 0: 0 1 –   round 1: 0 1 2   round 2: 0 1 –   ...
 * </pre>
 *
 * A skipped turn moves on to the next index. When every candidate skips (all warming) the last
 * turn's candidate is taken anyway.
 */
final class RoundRobinPicker implements Picker {
  private final AtomicLong turns = new AtomicLong();

  @Override
  public int pick(List<? extends Candidate> candidates, long nowNanos) {
    int n = candidates.size();
    if (n <= 1) {
      return n - 1;
    }
    int index = 0;
    for (int attempt = 0; attempt < n; attempt++) {
      long turn = turns.getAndIncrement() & Long.MAX_VALUE;
      index = (int) (turn % n);
      double w = Sampling.weightOf(candidates.get(index), nowNanos);
      long round = turn / n;
      if (w >= 1.0 || Math.floor((round + 1) * w) > Math.floor(round * w)) {
        return index;
      }
    }
    return index;
  }

  @Override
  public String toString() {
    return Pickers.ROUND_ROBIN;
  }
}
