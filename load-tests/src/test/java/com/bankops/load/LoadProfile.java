package com.bankops.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.time.Duration;
import java.util.List;

/**
 * The shapes of load. Each virtual user sends one request of the mix, so users per second is
 * requests per second (plus the rare idempotent replay of a transfer).
 *
 * <pre>
 * smoke:  base ──────────────────────────── (5 s ramp-in, 40 s at base)
 *
 * surge:                 ┌────────────┐ 10x base        "Black Friday": a ramp to 10x in 30 s,
 *                       /              \                a hold, then a fall back to the baseline
 *         base ────────/                \──────── base
 *              10 s   30 s    30 s     20 s   10 s
 * </pre>
 */
enum LoadProfile {
  SMOKE(20, 500) {
    @Override
    List<OpenInjectionStep> injection(int baseRps) {
      return List.of(
          rampUsersPerSec(1).to(baseRps).during(Duration.ofSeconds(5)),
          constantUsersPerSec(baseRps).during(Duration.ofSeconds(40)));
    }
  },
  SURGE(3, 2000) {
    @Override
    List<OpenInjectionStep> injection(int baseRps) {
      int peak = SURGE_FACTOR * baseRps;
      return List.of(
          constantUsersPerSec(baseRps).during(Duration.ofSeconds(RAMP_STARTS_AT_SECONDS)),
          rampUsersPerSec(baseRps).to(peak).during(Duration.ofSeconds(30)),
          constantUsersPerSec(peak).during(Duration.ofSeconds(30)),
          rampUsersPerSec(peak).to(baseRps).during(Duration.ofSeconds(20)),
          constantUsersPerSec(baseRps).during(Duration.ofSeconds(10)));
    }
  };

  /** How far above the baseline a surge goes. */
  static final int SURGE_FACTOR = 10;

  /** When the surge's ramp begins (scripts/ci/gatling-surge.sh measures time to scale from it). */
  static final int RAMP_STARTS_AT_SECONDS = 10;

  private final int defaultBaselineRps;
  private final int defaultSloP99Ms;

  LoadProfile(int defaultBaselineRps, int defaultSloP99Ms) {
    this.defaultBaselineRps = defaultBaselineRps;
    this.defaultSloP99Ms = defaultSloP99Ms;
  }

  abstract List<OpenInjectionStep> injection(int baseRps);

  int defaultBaselineRps() {
    return defaultBaselineRps;
  }

  /**
   * The surge's SLO is looser: the autoscaler needs its start-up time before new capacity helps.
   */
  int defaultSloP99Ms() {
    return defaultSloP99Ms;
  }

  static LoadProfile named(String name) {
    for (LoadProfile p : values()) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("load.profile: " + name + " (expected: smoke | surge)");
  }
}
