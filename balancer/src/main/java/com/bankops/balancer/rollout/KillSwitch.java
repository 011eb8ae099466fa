package com.bankops.balancer.rollout;

import java.util.Locale;
import java.util.Optional;

/**
 * The every-second check that does not wait for the step's analysis. Trips when, over the last
 * {@code window}:
 *
 * <pre>
 *   the canary pool has members but none takes traffic (all ejected or failing health)
 *   canary requests &gt;= minRequests and every one of them failed
 *   canary requests &gt;= minRequests and canary error rate − stable error rate &gt;= errorRateIncrease
 * </pre>
 *
 * @param errorRateIncrease "far above stable": 0.1 = ten percentage points
 * @param minRequests fewer canary requests cannot trip on error rate (one error in two requests is
 *     not evidence)
 * @param windowSeconds how far back the check looks (1 s slices plus the unfinished one)
 */
public record KillSwitch(double errorRateIncrease, long minRequests, int windowSeconds) {
  public static final KillSwitch DEFAULTS = new KillSwitch(0.10, 10, 2);

  public KillSwitch {
    AnalysisThresholds.check(
        errorRateIncrease > 0 && errorRateIncrease <= 1,
        "killSwitch.errorRateIncrease",
        errorRateIncrease,
        "(0..1]");
    AnalysisThresholds.check(
        minRequests >= 1 && minRequests <= 100_000,
        "killSwitch.minRequests",
        minRequests,
        "1..100000");
    AnalysisThresholds.check(
        windowSeconds >= 1 && windowSeconds <= 60,
        "killSwitch.windowSeconds",
        windowSeconds,
        "1..60");
  }

  /** Why the canary must go now, or empty. */
  public Optional<String> check(
      PoolFigures canary, PoolFigures stable, int canaryMembers, int canaryRoutable) {
    if (canaryMembers > 0 && canaryRoutable == 0) {
      return Optional.of(
          "kill switch: none of " + canaryMembers + " canary backends takes traffic");
    }
    if (canary.count() < minRequests) {
      return Optional.empty();
    }
    if (canary.errors() >= canary.count()) {
      return Optional.of(
          "kill switch: all "
              + canary.count()
              + " canary requests failed in "
              + windowSeconds
              + " s");
    }
    double increase = canary.errorRate() - stable.errorRate();
    if (increase >= errorRateIncrease) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "kill switch: canary error rate %.1f%% (%d of %d) vs stable %.1f%% over %d s",
              canary.errorRate() * 100,
              canary.errors(),
              canary.count(),
              stable.errorRate() * 100,
              windowSeconds));
    }
    return Optional.empty();
  }
}
