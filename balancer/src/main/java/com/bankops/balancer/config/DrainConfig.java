package com.bankops.balancer.config;

/** Removing a backend: how long to wait for its in-flight requests (key {@code drain}). */
public record DrainConfig(int deadlineMs) {

  public static final int MAX_DEADLINE_MS = 3_600_000;

  static DrainConfig read(ConfigNode n) {
    return new DrainConfig(n.intIn("deadlineMs", 0, MAX_DEADLINE_MS));
  }
}
