package com.bankops.balancer.config;

/** Where bank instances run (key {@code runtime}). */
public record RuntimeConfig(RuntimeKind kind, KubernetesSettings kubernetes) {

  static RuntimeConfig read(ConfigNode n) {
    RuntimeKind kind = n.oneOf("kind", RuntimeKind.byWire(), RuntimeKind.PROCESS);
    return new RuntimeConfig(
        kind,
        n.object("kubernetes", k -> KubernetesSettings.read(k, kind == RuntimeKind.KUBERNETES)));
  }
}
