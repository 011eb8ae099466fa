package com.bankops.balancer.pool;

import java.util.Locale;
import java.util.Optional;

/** The two pools of the canary split. The wire name is lower case ("stable", "canary"). */
public enum PoolName {
  STABLE,
  CANARY;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<PoolName> fromWire(String s) {
    for (PoolName p : values()) {
      if (p.wire().equals(s)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
