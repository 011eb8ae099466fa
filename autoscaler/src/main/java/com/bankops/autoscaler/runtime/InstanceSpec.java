package com.bankops.autoscaler.runtime;

import java.util.Map;
import java.util.Objects;

/**
 * What to start: a bank instance of {@code version} for {@code pool} ("stable" or "canary").
 *
 * @param port the 127.0.0.1 port to serve on, or 0 to let the runtime pick a free one
 * @param env extra environment for the instance; the runtime adds {@code BANK_PORT}, {@code
 *     BANK_VERSION}, {@code BANK_POOL} and {@code BANK_INSTANCE_ID}, which win over these
 */
public record InstanceSpec(String pool, String version, int port, Map<String, String> env) {

  public InstanceSpec {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(env, "env");
    if (pool.isBlank()) {
      throw new IllegalArgumentException("pool: blank (expected: a pool name such as \"stable\")");
    }
    if (version.isBlank()) {
      throw new IllegalArgumentException("version: blank (expected: a version label)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 = any)");
    }
    env = Map.copyOf(env);
  }

  /** An instance on a port the runtime picks, with no extra environment. */
  public static InstanceSpec of(String pool, String version) {
    return new InstanceSpec(pool, version, 0, Map.of());
  }

  public InstanceSpec withPort(int newPort) {
    return new InstanceSpec(pool, version, newPort, env);
  }

  public InstanceSpec withEnv(Map<String, String> newEnv) {
    return new InstanceSpec(pool, version, port, newEnv);
  }
}
