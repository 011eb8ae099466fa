package com.bankops.autoscaler.loop;

import java.time.Instant;
import java.util.Objects;

/**
 * One decision with the inputs it saw, as logged and served by {@code GET
 * /admin/autoscaler/decisions}.
 *
 * @param signals {@code "ok"}, {@code "missing"} (no sample for the pool) or {@code "error: ..."}
 * @param inFlight requests in flight at the pool when sampled
 * @param requestsPerSecond over the balancer's window
 * @param meanLatencyMillis over the balancer's window
 * @param p99LatencyMillis over the balancer's window
 * @param errorRate over the balancer's window, 0..1
 * @param queueDepth requests queued at the balancer
 * @param stableConcurrency observed concurrency averaged over the stable window
 * @param panicConcurrency observed concurrency averaged over the panic window
 * @param forecastRequestsPerSecond the rate forecast one start-up time ahead (0 without)
 * @param forecastErrorRequestsPerSecond actual − forecast for the forecast that fell due now (NaN
 *     when none did)
 * @param action what the loop did: {@code "none"}, {@code "start 2"}, {@code "drain stable-…"},
 *     {@code "wait: …"} (an action is still running), {@code "disabled"}
 */
public record Decision(
    Instant at,
    String pool,
    String signals,
    int current,
    int ready,
    int inFlight,
    double requestsPerSecond,
    double meanLatencyMillis,
    double p99LatencyMillis,
    double errorRate,
    int queueDepth,
    double stableConcurrency,
    double panicConcurrency,
    int alertFloor,
    double forecastRequestsPerSecond,
    double forecastErrorRequestsPerSecond,
    int forecastDesired,
    int desired,
    String mode,
    String reason,
    String action) {

  public Decision {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(signals, "signals");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(action, "action");
  }
}
