package com.bankops.balancer.routing;

/**
 * What a {@link Picker} may read of one backend: live load figures, never mutated by the picker.
 * Implemented by the per-backend load tracker of the data plane.
 */
public interface Candidate {
  /** Requests sent to this backend and not yet answered. */
  int inFlight();

  /** Peak-EWMA latency in microseconds as of {@code nowNanos}, failure penalty included. */
  double latencyCost(long nowNanos);

  /** Slow-start weight in (0, 1]: 1 once the backend is fully warmed up. */
  double weight(long nowNanos);
}
