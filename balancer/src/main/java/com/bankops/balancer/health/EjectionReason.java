package com.bankops.balancer.health;

import java.util.Locale;

/** Why the outlier detector ejected a backend. */
public enum EjectionReason {
  CONSECUTIVE_FAILURES,
  FAILURE_PERCENTAGE;

  /** Stable name for logs and metrics labels ("consecutive_failures"). */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
