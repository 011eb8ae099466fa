package com.bankops.balancer.rollout;

import java.util.Locale;

/**
 * Judges a step: canary against stable over the same window.
 *
 * <pre>
 *   canary requests &lt; minRequests                              → inconclusive (hold, extend)
 *   canary error rate − reference error rate &gt; maxIncrease     → fail
 *   canary p99 &gt; ratio × reference p99 and &gt; reference + slack → fail
 *   otherwise                                                   → pass
 * </pre>
 *
 * The reference is stable over the same window when stable had at least {@code minRequests};
 * otherwise (at 100 %, stable gets nothing) the stable figures of the last passed step; with
 * neither, errors are judged against 0 and latency is not judged.
 */
public final class Analysis {
  private Analysis() {}

  public static Verdict judge(
      PoolFigures canary, PoolFigures stable, PoolFigures baseline, AnalysisThresholds t) {
    if (canary.count() < t.minRequests()) {
      return new Verdict(
          Verdict.Result.INCONCLUSIVE,
          "canary had "
              + canary.count()
              + " requests (expected: >= "
              + t.minRequests()
              + "); holding the step");
    }
    PoolFigures reference =
        stable.count() >= t.minRequests()
            ? stable
            : baseline.count() >= t.minRequests() ? baseline : PoolFigures.NONE;
    String against = reference == stable ? "stable" : reference == baseline ? "baseline" : "zero";
    double increase = canary.errorRate() - reference.errorRate();
    if (increase > t.maxErrorRateIncrease()) {
      return new Verdict(
          Verdict.Result.FAIL,
          String.format(
              Locale.ROOT,
              "canary error rate %.2f%% vs %s %.2f%% (max increase %.2f points)",
              canary.errorRate() * 100,
              against,
              reference.errorRate() * 100,
              t.maxErrorRateIncrease() * 100));
    }
    if (reference.count() > 0) {
      double ratio = (double) canary.p99Micros() / Math.max(1, reference.p99Micros());
      long slower = canary.p99Micros() - reference.p99Micros();
      if (ratio > t.maxP99Ratio() && slower > t.p99SlackMillis() * 1000) {
        return new Verdict(
            Verdict.Result.FAIL,
            String.format(
                Locale.ROOT,
                "canary p99 %.1f ms vs %s %.1f ms (ratio %.2f, max %.2f)",
                canary.p99Micros() / 1000.0,
                against,
                reference.p99Micros() / 1000.0,
                ratio,
                t.maxP99Ratio()));
      }
    }
    return new Verdict(
        Verdict.Result.PASS,
        String.format(
            Locale.ROOT,
            "canary %d requests, error rate %.2f%%, p99 %.1f ms; %s %.2f%%, p99 %.1f ms",
            canary.count(),
            canary.errorRate() * 100,
            canary.p99Micros() / 1000.0,
            against,
            reference.errorRate() * 100,
            reference.p99Micros() / 1000.0));
  }
}
