package com.bankops.balancer.routing;

import java.util.List;

/**
 * Chooses one backend among the candidates of a pool snapshot. Pure: reads the candidates' load,
 * mutates nothing; randomness and time come from outside.
 */
public interface Picker {
  /**
   * @return the index of the chosen candidate, or -1 when {@code candidates} is empty
   */
  int pick(List<? extends Candidate> candidates, long nowNanos);
}
