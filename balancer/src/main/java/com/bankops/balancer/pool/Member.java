package com.bankops.balancer.pool;

import com.bankops.balancer.routing.Candidate;
import com.bankops.balancer.routing.LoadTracker;
import com.bankops.balancer.stats.LatencyStats;

/**
 * One backend as a snapshot sees it: identity, state, and the live load tracker and latency
 * recorder that outlive any snapshot. A state change makes a new {@code Member}; the tracker and
 * the recorder are carried over, so the request path never loses a count.
 */
public record Member(
    Backend backend, BackendState state, LoadTracker load, LatencyStats stats, String reason)
    implements Candidate {

  public String id() {
    return backend.id();
  }

  public Member withState(BackendState newState, String why) {
    return new Member(backend, newState, load, stats, why);
  }

  @Override
  public int inFlight() {
    return load.inFlight();
  }

  /** Requests waiting for a connection to this backend. */
  public int queued() {
    return load.queued();
  }

  @Override
  public double latencyCost(long nowNanos) {
    return load.latencyCost(nowNanos);
  }

  @Override
  public double weight(long nowNanos) {
    return load.weight(nowNanos);
  }
}
