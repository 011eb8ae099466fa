package com.bankops.balancer.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a rollout proceeds. Immutable, validated naming the field.
 *
 * @param stepsBasisPoints canary shares in basis points (100 = 1 %), strictly increasing, each in
 *     1..10000; after the last one passes, the canary is promoted (all traffic, then the new
 *     stable)
 * @param stepDuration the analysis window of a step; an inconclusive step holds for another one
 * @param approvalBeforeBasisPoints steps that wait for {@code approve} before the share rises to
 *     them; each must be one of the steps
 * @param warmup after the canary instances come up (and after a restart), the first analysis window
 *     starts this much later: a fresh JVM's first requests (class loading, JIT, opening database
 *     connections) are slow, and on a few dozen samples one of them is the p99
 */
public record RolloutPlan(
    List<Integer> stepsBasisPoints,
    Duration stepDuration,
    AnalysisThresholds analysis,
    Set<Integer> approvalBeforeBasisPoints,
    KillSwitch killSwitch,
    Duration warmup) {

  public static final List<Integer> DEFAULT_STEPS = List.of(100, 500, 2500, 5000, 10_000);
  public static final Duration DEFAULT_STEP_DURATION = Duration.ofSeconds(30);
  public static final Duration MIN_STEP_DURATION = Duration.ofMillis(500);
  public static final Duration MAX_STEP_DURATION = Duration.ofHours(1);
  public static final int MAX_STEPS = 20;
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(10);
  public static final Duration MAX_WARMUP = Duration.ofMinutes(10);

  public RolloutPlan {
    stepsBasisPoints = List.copyOf(stepsBasisPoints);
    approvalBeforeBasisPoints = Set.copyOf(new TreeSet<>(approvalBeforeBasisPoints));
    AnalysisThresholds.check(
        !stepsBasisPoints.isEmpty() && stepsBasisPoints.size() <= MAX_STEPS,
        "steps",
        percents(stepsBasisPoints),
        "1.." + MAX_STEPS + " steps");
    int previous = 0;
    for (int i = 0; i < stepsBasisPoints.size(); i++) {
      int bp = stepsBasisPoints.get(i);
      AnalysisThresholds.check(
          bp >= 1 && bp <= 10_000, "steps[" + i + "]", bp / 100.0, "0 < percent <= 100");
      AnalysisThresholds.check(
          bp > previous, "steps", percents(stepsBasisPoints), "strictly increasing percents");
      previous = bp;
    }
    AnalysisThresholds.check(
        stepDuration.compareTo(MIN_STEP_DURATION) >= 0
            && stepDuration.compareTo(MAX_STEP_DURATION) <= 0,
        "stepSeconds",
        stepDuration.toMillis() / 1000.0,
        "0.5..3600");
    AnalysisThresholds.check(
        !warmup.isNegative() && warmup.compareTo(MAX_WARMUP) <= 0,
        "warmupSeconds",
        warmup.toMillis() / 1000.0,
        "0..600");
    for (int bp : approvalBeforeBasisPoints) {
      AnalysisThresholds.check(
          stepsBasisPoints.contains(bp),
          "approvalBefore",
          bp / 100.0,
          "one of the steps " + percents(stepsBasisPoints));
    }
  }

  public static RolloutPlan defaults() {
    return new RolloutPlan(
        DEFAULT_STEPS,
        DEFAULT_STEP_DURATION,
        AnalysisThresholds.DEFAULTS,
        Set.of(),
        KillSwitch.DEFAULTS,
        DEFAULT_WARMUP);
  }

  public int steps() {
    return stepsBasisPoints.size();
  }

  public int stepBasisPoints(int index) {
    return stepsBasisPoints.get(index);
  }

  public boolean needsApproval(int index) {
    return approvalBeforeBasisPoints.contains(stepsBasisPoints.get(index));
  }

  static List<Double> percents(List<Integer> bps) {
    List<Double> out = new ArrayList<>();
    bps.forEach(bp -> out.add(bp / 100.0));
    return out;
  }
}
