package com.bankops.balancer.config;

/** Where bank instances run (key {@code runtime}). */
public record RuntimeConfig(RuntimeKind kind) {

  static RuntimeConfig read(ConfigNode n) {
    return new RuntimeConfig(n.oneOf("kind", RuntimeKind.byWire(), RuntimeKind.PROCESS));
  }
}
