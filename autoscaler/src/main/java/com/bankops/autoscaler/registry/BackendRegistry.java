package com.bankops.autoscaler.registry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The balancer's membership, as the autoscaler changes it. Implemented by the balancer; futures may
 * complete on any thread.
 *
 * <pre>
 *   scale-out: runtime.start(spec) → ready → addBackend(...)          (backend warms up, slow start)
 *   scale-in:  drainAndRemove(id, deadline) → runtime.stop(id, grace) (no request is cut off)
 * </pre>
 */
public interface BackendRegistry {

  /**
   * Adds a ready instance to {@code pool} ("stable" or "canary") under {@code id}; it takes traffic
   * with slow start. Completes once the new pool snapshot is published.
   */
  CompletableFuture<Void> addBackend(String pool, String id, String host, int port, String version);

  /**
   * Stops sending new requests to the backend, waits until its in-flight requests reach 0 or {@code
   * deadline} passes, then removes it. Completes after the removal, also when the deadline cut the
   * wait short. An unknown id completes normally.
   */
  CompletableFuture<Void> drainAndRemove(String id, Duration deadline);
}
