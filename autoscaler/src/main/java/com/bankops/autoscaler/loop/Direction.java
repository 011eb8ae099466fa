package com.bankops.autoscaler.loop;

import java.util.Locale;

/** Which way a scale action went; {@link #wire()} is the metric label. */
public enum Direction {
  UP,
  DOWN;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
