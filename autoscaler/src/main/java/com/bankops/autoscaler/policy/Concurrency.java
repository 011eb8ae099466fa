package com.bankops.autoscaler.policy;

/**
 * Little's law, L = λ·W: the requests a pool holds on average equal its arrival rate times the mean
 * time each spends there. 200 rps at 50 ms mean latency keep 10 requests in flight.
 */
public final class Concurrency {
  private Concurrency() {}

  /** λ·W. */
  public static double littlesLaw(double requestsPerSecond, double meanLatencySeconds) {
    return Math.max(0, requestsPerSecond) * Math.max(0, meanLatencySeconds);
  }

  /**
   * The demand one load sample shows: the larger of the in-flight count (instantaneous, may miss
   * bursts between samples) and λ·W (averaged over the balancer's window), plus the requests queued
   * at the balancer, which no backend has yet.
   */
  public static double observed(
      double inFlight, double requestsPerSecond, double meanLatencySeconds, double queueDepth) {
    return Math.max(Math.max(0, inFlight), littlesLaw(requestsPerSecond, meanLatencySeconds))
        + Math.max(0, queueDepth);
  }

  /** Instances needed to carry {@code concurrency} at {@code target} each, rounded up. */
  public static int instancesFor(double concurrency, double target) {
    if (concurrency <= 0) {
      return 0;
    }
    // the epsilon keeps 30.000000000000004 / 10 at 3
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(concurrency / target - 1e-9));
  }
}
