package com.bankops.balancer.admin;

import com.bankops.balancer.pool.PoolName;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What the admin API may see and change of the running appliance. The admin handlers validate input
 * and translate to and from HTTP; this interface does the work. Implemented by the appliance; tests
 * use a small fake.
 *
 * <p>Called on the admin server's event loop: methods must not block. To refuse a change, fail (or
 * throw) with {@link IllegalArgumentException} (answered 400; start the message with the field,
 * e.g. {@code "port: 0 (expected: 1..65535)"}) or {@link IllegalStateException} (answered 409, e.g.
 * a duplicate host:port). Anything else is answered 500.
 */
public interface ControlPlane {

  /**
   * {@code {"canaryPercent": 10.0, "canaryBasisPoints": 1000, "pools": {"stable": {...}, "canary":
   * {...}}, ...}}
   */
  JsonObject status();

  /** {@code {"backends": [{"id","pool","host","port","version","state", ...}]}} */
  JsonObject backends();

  /** Adds a backend; it warms up with slow start. Completes with the backend's JSON. */
  Future<JsonObject> addBackend(PoolName pool, String host, int port, Optional<String> version);

  /**
   * Starts draining a backend and removes it once idle (or at the drain deadline). Completes with
   * the backend's JSON (state "draining") or empty when the id is unknown.
   */
  Future<Optional<JsonObject>> removeBackend(String id);

  /** The canary share in basis points, 0..10000. */
  int canaryBasisPoints();

  void setCanaryBasisPoints(int basisPoints);

  /**
   * Per pool and per backend: count, rps, error rate, p50/p90/p99/p99.9/max over recent windows.
   */
  JsonObject stats();

  /** Ready when the data plane listens and the stable pool has a backend that takes traffic. */
  boolean ready();
}
