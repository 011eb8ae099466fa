package com.bankops.balancer.pool;

import java.util.Objects;

/** Identity and address of one bank instance. Immutable; state lives in the membership. */
public record Backend(String id, PoolName pool, String host, int port, String version) {
  public Backend {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(version, "version");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  public String authority() {
    return host + ":" + port;
  }
}
