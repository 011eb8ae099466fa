package com.bankops.autoscaler.loop;

import com.bankops.autoscaler.runtime.InstanceSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the loop acts, apart from the policy's numbers. Immutable; validated on construction.
 *
 * @param pools the pools the loop manages, each with the spec a new instance starts from (version,
 *     environment such as {@code BANK_DB_URL}); iteration order is the order of ticks
 * @param tickInterval between two reconciliations (about 1 s)
 * @param drainDeadline how long scale-in waits for a drained backend's in-flight requests
 * @param stopGrace SIGTERM to SIGKILL when an instance is stopped
 * @param defaultStartupTime the forecast's horizon until a start-up time was measured
 * @param decisionsKept the decisions {@code GET /admin/autoscaler/decisions} can show
 */
public record LoopSettings(
    Map<String, InstanceSpec> pools,
    Duration tickInterval,
    Duration drainDeadline,
    Duration stopGrace,
    Duration defaultStartupTime,
    int decisionsKept) {

  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DRAIN_DEADLINE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STARTUP_TIME = Duration.ofSeconds(10);
  public static final int DEFAULT_DECISIONS_KEPT = 500;

  public LoopSettings {
    Objects.requireNonNull(pools, "pools");
    Objects.requireNonNull(tickInterval, "tickInterval");
    Objects.requireNonNull(drainDeadline, "drainDeadline");
    Objects.requireNonNull(stopGrace, "stopGrace");
    Objects.requireNonNull(defaultStartupTime, "defaultStartupTime");
    pools.forEach(
        (name, spec) -> {
          if (!name.equals(spec.pool())) {
            throw new IllegalArgumentException(
                "pools." + name + ": spec for pool " + spec.pool() + " (expected: " + name + ")");
          }
        });
    pools = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
    check(positive(tickInterval), "tickInterval", tickInterval, "> 0");
    check(!drainDeadline.isNegative(), "drainDeadline", drainDeadline, ">= 0");
    check(!stopGrace.isNegative(), "stopGrace", stopGrace, ">= 0");
    check(positive(defaultStartupTime), "defaultStartupTime", defaultStartupTime, "> 0");
    check(decisionsKept >= 1, "decisionsKept", decisionsKept, ">= 1");
  }

  /** One pool with the default timings. */
  public static LoopSettings of(InstanceSpec spec) {
    return new LoopSettings(
        Map.of(spec.pool(), spec),
        DEFAULT_TICK_INTERVAL,
        DEFAULT_DRAIN_DEADLINE,
        DEFAULT_STOP_GRACE,
        DEFAULT_STARTUP_TIME,
        DEFAULT_DECISIONS_KEPT);
  }

  public LoopSettings withTimings(Duration newDrainDeadline, Duration newStopGrace) {
    return new LoopSettings(
        pools, tickInterval, newDrainDeadline, newStopGrace, defaultStartupTime, decisionsKept);
  }

  private static boolean positive(Duration d) {
    return !d.isZero() && !d.isNegative();
  }

  private static void check(boolean ok, String field, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
    }
  }
}
