package com.bankops.balancer.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Where bank instances run ({@code runtime.kind}, env {@code BANKOPS_RUNTIME}). */
public enum RuntimeKind {
  PROCESS,
  DOCKER,
  KUBERNETES;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Map<String, RuntimeKind> byWire() {
    Map<String, RuntimeKind> m = new LinkedHashMap<>();
    for (RuntimeKind k : values()) {
      m.put(k.wire(), k);
    }
    return m;
  }
}
