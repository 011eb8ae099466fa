package com.bankops.autoscaler.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A ready bank instance.
 *
 * @param id unique within the runtime; also the balancer's backend id and {@code BANK_INSTANCE_ID}
 * @param startedAt when it was launched
 * @param startupTime from launch to the first 200 from {@code /health/ready}; its p95 is the
 *     predictive horizon
 */
public record Instance(
    String id,
    String pool,
    String version,
    String host,
    int port,
    Instant startedAt,
    Duration startupTime) {

  public Instance {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(startupTime, "startupTime");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /** {@code host:port}. */
  public String authority() {
    return host + ":" + port;
  }
}
