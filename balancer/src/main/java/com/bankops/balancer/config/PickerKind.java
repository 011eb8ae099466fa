package com.bankops.balancer.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** How a backend is chosen within a pool ({@code routing.picker}). */
public enum PickerKind {
  P2C_PEAK_EWMA("p2c-peak-ewma"),
  ROUND_ROBIN("round-robin"),
  LEAST_REQUEST("least-request");

  private final String wire;

  PickerKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  static Map<String, PickerKind> byWire() {
    Map<String, PickerKind> m = new LinkedHashMap<>();
    for (PickerKind k : values()) {
      m.put(k.wire, k);
    }
    return m;
  }
}
