package com.bankops.autoscaler.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * Mean CPU utilisation of the pool's ready instances (0..1 of each one's share, may exceed 1 when
 * unlimited), sampled at a slower cadence than load.
 */
public record CpuObservation(double utilization, Instant measuredAt) {

  public static final CpuObservation NONE = new CpuObservation(0, Instant.EPOCH);

  public CpuObservation {
    Objects.requireNonNull(measuredAt, "measuredAt");
    if (!(utilization >= 0) || Double.isInfinite(utilization)) {
      throw new IllegalArgumentException("utilization: " + utilization + " (expected: >= 0)");
    }
  }

  public boolean isPresent() {
    return !measuredAt.equals(Instant.EPOCH);
  }
}
