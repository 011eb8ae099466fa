package com.bankops.autoscaler.policy;

/**
 * Splits a total replica count between the stable and the canary pool by the canary's traffic
 * share, so each pool's instances carry about the same load. The canary keeps at least one instance
 * while its share is above 0, and so does stable while its share is.
 *
 * <pre>
 *   total 10, share 1000 bp (10%)  → stable 9, canary 1
 *   total 10, share 2500 bp (25%)  → stable 7, canary 3     (⌈2.5⌉)
 *   total  1, share   10 bp (0.1%) → stable 1, canary 1     (the canary needs one to serve at all)
 *   total  4, share    0           → stable 4, canary 0
 * </pre>
 */
public final class CanaryReplicas {
  private CanaryReplicas() {}

  /** Replicas per pool. */
  public record Split(int stable, int canary, String reason) {}

  public static Split split(int totalDesired, int canaryShareBasisPoints) {
    if (totalDesired < 0) {
      throw new IllegalArgumentException("totalDesired: " + totalDesired + " (expected: >= 0)");
    }
    if (canaryShareBasisPoints < 0 || canaryShareBasisPoints > 10_000) {
      throw new IllegalArgumentException(
          "canaryShareBasisPoints: " + canaryShareBasisPoints + " (expected: 0..10000)");
    }
    int canary = canaryReplicas(totalDesired, canaryShareBasisPoints);
    int stable;
    if (canaryShareBasisPoints == 10_000) {
      stable = 0;
    } else {
      stable = Math.max(1, totalDesired - canary);
    }
    String reason =
        String.format(
            java.util.Locale.ROOT,
            "canary share %.2f%% of %d -> stable %d, canary %d",
            canaryShareBasisPoints / 100.0,
            totalDesired,
            stable,
            canary);
    return new Split(stable, canary, reason);
  }

  /** ⌈total × share⌉, at least 1 while the share is above 0, 0 at share 0. */
  public static int canaryReplicas(int totalDesired, int canaryShareBasisPoints) {
    if (canaryShareBasisPoints <= 0) {
      return 0;
    }
    long scaled = (long) totalDesired * canaryShareBasisPoints;
    int canary = (int) ((scaled + 9_999) / 10_000);
    return Math.max(1, canary);
  }
}
