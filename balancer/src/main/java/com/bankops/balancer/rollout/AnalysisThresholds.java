package com.bankops.balancer.rollout;

/**
 * When a step's analysis passes, fails or holds. Immutable, validated naming the field.
 *
 * @param maxErrorRateIncrease canary error rate minus stable error rate above this fails (0.01 =
 *     one percentage point)
 * @param maxP99Ratio canary p99 above this multiple of stable's p99 fails ...
 * @param p99SlackMillis ... but only when it is also this much slower, so that 2 ms against 1 ms is
 *     not a breach
 * @param minRequests fewer canary requests in the window is inconclusive: the step holds and its
 *     window extends, it never fails on too little data
 */
public record AnalysisThresholds(
    double maxErrorRateIncrease, double maxP99Ratio, long p99SlackMillis, long minRequests) {

  public static final AnalysisThresholds DEFAULTS = new AnalysisThresholds(0.01, 1.5, 25, 100);

  public AnalysisThresholds {
    check(
        maxErrorRateIncrease >= 0 && maxErrorRateIncrease <= 1,
        "analysis.maxErrorRateIncrease",
        maxErrorRateIncrease,
        "0..1");
    check(maxP99Ratio >= 1 && maxP99Ratio <= 1000, "analysis.maxP99Ratio", maxP99Ratio, "1..1000");
    check(
        p99SlackMillis >= 0 && p99SlackMillis <= 60_000,
        "analysis.p99SlackMs",
        p99SlackMillis,
        "0..60000");
    check(
        minRequests >= 1 && minRequests <= 1_000_000,
        "analysis.minRequests",
        minRequests,
        "1..1000000");
  }

  static void check(boolean ok, String field, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
    }
  }
}
