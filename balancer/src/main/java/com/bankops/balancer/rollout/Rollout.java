package com.bankops.balancer.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rollout's whole state: what is persisted, served and fed to {@link RolloutMachine}.
 * Immutable; every change makes a new value.
 *
 * @param stepIndex the step whose share is in force; -1 while the canary instances start (share 0)
 * @param stepStartedAt where the current step's analysis window begins
 * @param analysisDueAt when the step is next judged (extended while inconclusive)
 * @param pendingStep the step waiting for approval, -1 when none
 * @param approvedSteps steps already approved
 * @param promoting the last step passed (or promote was asked): the controller is making the
 *     canary's version the stable one
 * @param canaryInstances the runtime's ids of the canary instances this rollout started
 * @param baseline stable's figures at the last passed step, the reference when stable gets too
 *     little traffic
 */
public record Rollout(
    String id,
    String version,
    Map<String, String> env,
    RolloutPlan plan,
    Phase phase,
    int stepIndex,
    Instant stepStartedAt,
    Instant analysisDueAt,
    int pendingStep,
    Set<Integer> approvedSteps,
    boolean promoting,
    String reason,
    List<String> canaryInstances,
    PoolFigures baseline,
    Instant createdAt,
    List<TimelineEntry> timeline) {

  static final int MAX_TIMELINE = 500;

  public Rollout {
    env = Map.copyOf(env);
    approvedSteps = Set.copyOf(approvedSteps);
    canaryInstances = List.copyOf(canaryInstances);
    timeline = List.copyOf(timeline);
  }

  /** The share the canary pool should have now, in basis points. */
  public int shareBasisPoints() {
    if (!phase.active() || stepIndex < 0) {
      return 0;
    }
    return plan.stepBasisPoints(stepIndex);
  }

  public double stepPercent() {
    return shareBasisPoints() / 100.0;
  }

  public boolean lastStep() {
    return stepIndex == plan.steps() - 1;
  }

  Rollout with(Phase p) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        p,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approvedSteps,
        promoting,
        reason,
        canaryInstances,
        baseline,
        createdAt,
        timeline);
  }

  Rollout withStep(int index, Instant startedAt, Instant dueAt, int pending) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        index,
        startedAt,
        dueAt,
        pending,
        approvedSteps,
        promoting,
        reason,
        canaryInstances,
        baseline,
        createdAt,
        timeline);
  }

  Rollout withApproved(Set<Integer> approved) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approved,
        promoting,
        reason,
        canaryInstances,
        baseline,
        createdAt,
        timeline);
  }

  Rollout withPromoting(boolean on) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approvedSteps,
        on,
        reason,
        canaryInstances,
        baseline,
        createdAt,
        timeline);
  }

  Rollout withReason(String why) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approvedSteps,
        promoting,
        why,
        canaryInstances,
        baseline,
        createdAt,
        timeline);
  }

  public Rollout withCanaryInstances(List<String> ids) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approvedSteps,
        promoting,
        reason,
        ids,
        baseline,
        createdAt,
        timeline);
  }

  Rollout withBaseline(PoolFigures b) {
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approvedSteps,
        promoting,
        reason,
        canaryInstances,
        b,
        createdAt,
        timeline);
  }

  Rollout log(Instant at, String event, String message, Map<String, Object> figures) {
    List<TimelineEntry> t = new ArrayList<>(timeline);
    t.add(new TimelineEntry(at, event, stepPercent(), message, figures));
    while (t.size() > MAX_TIMELINE) {
      t.remove(1); // keep "started"; drop the oldest after it (long inconclusive holds)
    }
    return new Rollout(
        id,
        version,
        env,
        plan,
        phase,
        stepIndex,
        stepStartedAt,
        analysisDueAt,
        pendingStep,
        approvedSteps,
        promoting,
        reason,
        canaryInstances,
        baseline,
        createdAt,
        t);
  }
}
