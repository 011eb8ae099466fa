package com.bankops.autoscaler.loop;

import com.bankops.autoscaler.policy.CpuObservation;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * CPU utilisation per pool, the policy's second signal. Each {@link #sample} reads every ready
 * instance's cumulative CPU time from the runtime and compares it with the previous sample: an
 * instance's utilisation is CPU time used ÷ wall time passed, in cores (1.0 = one core busy); a
 * pool's is the mean over its instances that have two samples.
 *
 * <p>A pool whose instances cannot report CPU keeps {@link CpuObservation#NONE}, which the policy
 * ignores; an old observation goes stale there too. Sampled at a slower cadence than load (every
 * few seconds), on the scheduler, outside the loop's lock.
 */
final class CpuSampler {
  private record Reading(Duration cpu, Instant at) {}

  private final ContainerRuntime runtime;
  private final Clock clock;
  private Map<String, Reading> previous = Map.of();
  private volatile Map<String, CpuObservation> latest = Map.of();

  CpuSampler(ContainerRuntime runtime, Clock clock) {
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Reads the runtime once and publishes each pool's utilisation since the previous sample. */
  synchronized Map<String, CpuObservation> sample() {
    Instant now = clock.instant();
    Map<String, Reading> readings = new HashMap<>();
    Map<String, double[]> sums = new HashMap<>(); // pool -> {sum of utilisation, instances}
    for (Instance i : runtime.list()) {
      Optional<Duration> cpu = runtime.cpuTime(i.id());
      if (cpu.isEmpty()) {
        continue;
      }
      readings.put(i.id(), new Reading(cpu.get(), now));
      Reading before = previous.get(i.id());
      if (before == null) {
        continue;
      }
      utilisation(before.cpu, before.at, cpu.get(), now)
          .ifPresent(
              u -> {
                double[] s = sums.computeIfAbsent(i.pool(), k -> new double[2]);
                s[0] += u;
                s[1]++;
              });
    }
    previous = readings;
    Map<String, CpuObservation> out = new HashMap<>();
    sums.forEach((pool, s) -> out.put(pool, new CpuObservation(s[0] / s[1], now)));
    latest = Map.copyOf(out);
    return latest;
  }

  /** The pool's latest observation, or {@link CpuObservation#NONE}. */
  CpuObservation latest(String pool) {
    return latest.getOrDefault(pool, CpuObservation.NONE);
  }

  /**
   * CPU used ÷ wall time between two readings, in cores; empty when no time passed or the counter
   * went backwards (a different process under the same id).
   */
  static Optional<Double> utilisation(
      Duration cpuBefore, Instant before, Duration cpuNow, Instant now) {
    long wall = Duration.between(before, now).toNanos();
    long used = cpuNow.minus(cpuBefore).toNanos();
    if (wall <= 0 || used < 0) {
      return Optional.empty();
    }
    return Optional.of((double) used / wall);
  }
}
