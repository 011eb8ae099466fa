package com.bankops.autoscaler.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * What one instance used between two samples of its runtime.
 *
 * @param cpuCores CPU time over wall time: 0.5 = half of one core on average
 * @param memoryBytes memory charged to the instance at the later sample
 * @param measuredAt when the later sample was taken
 */
public record ResourceUsage(double cpuCores, long memoryBytes, Instant measuredAt) {

  public ResourceUsage {
    Objects.requireNonNull(measuredAt, "measuredAt");
    if (!(cpuCores >= 0) || Double.isInfinite(cpuCores)) {
      throw new IllegalArgumentException("cpuCores: " + cpuCores + " (expected: >= 0)");
    }
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("memoryBytes: " + memoryBytes + " (expected: >= 0)");
    }
  }

  /**
   * The usage between two cumulative readings. CPU time that went backwards (a counter reset)
   * counts as none.
   *
   * <pre>
   *   cpu 1.2 s at t, 1.7 s at t + 1 s  ->  0.5 cores
   * </pre>
   */
  static ResourceUsage between(CgroupSample earlier, CgroupSample later, Instant measuredAt) {
    long wall = later.atNanos() - earlier.atNanos();
    long cpu = Math.max(0, later.cpuNanos() - earlier.cpuNanos());
    double cores = wall <= 0 ? 0 : (double) cpu / wall;
    return new ResourceUsage(cores, later.memoryBytes(), measuredAt);
  }
}
