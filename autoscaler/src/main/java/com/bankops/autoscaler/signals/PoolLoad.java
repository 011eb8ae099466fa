package com.bankops.autoscaler.signals;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One pool's load. Rates, latencies and the error rate cover the trailing {@code window} (the
 * balancer's interval histograms, e.g. the last 10 s); in-flight and queue depth are instantaneous.
 *
 * @param inFlight requests sent to the pool's backends and not yet answered
 * @param requestsPerSecond completed requests per second over the window
 * @param meanLatencyMicros mean latency over the window (Little's law uses the mean)
 * @param p99LatencyMicros 99th percentile latency over the window
 * @param errorRate failed ÷ completed over the window, 0..1 (0 when nothing completed)
 * @param queueDepth requests waiting at the balancer for a backend connection
 * @param readyInstances backends taking traffic (warming or active)
 * @param requestCount requests completed in the window: how much the numbers above are worth
 * @param instances per backend id
 */
public record PoolLoad(
    String pool,
    Duration window,
    int inFlight,
    double requestsPerSecond,
    long meanLatencyMicros,
    long p99LatencyMicros,
    double errorRate,
    int queueDepth,
    int readyInstances,
    long requestCount,
    Map<String, InstanceLoad> instances) {

  public PoolLoad {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(window, "window");
    instances = Map.copyOf(instances);
    requireNonNegative("inFlight", inFlight);
    requireNonNegative("requestsPerSecond", requestsPerSecond);
    requireNonNegative("meanLatencyMicros", meanLatencyMicros);
    requireNonNegative("p99LatencyMicros", p99LatencyMicros);
    requireNonNegative("queueDepth", queueDepth);
    requireNonNegative("readyInstances", readyInstances);
    requireNonNegative("requestCount", requestCount);
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: 0..1)");
    }
  }

  public Optional<InstanceLoad> instance(String id) {
    return Optional.ofNullable(instances.get(id));
  }

  /** Mean latency in seconds, for Little's law. */
  public double meanLatencySeconds() {
    return meanLatencyMicros / 1_000_000.0;
  }

  private static void requireNonNegative(String field, double value) {
    if (!(value >= 0)) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0)");
    }
  }
}
