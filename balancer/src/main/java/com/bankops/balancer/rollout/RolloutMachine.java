package com.bankops.balancer.rollout;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step state machine: pure functions from a rollout, an event and the time to the next rollout.
 * Refused operator commands throw {@link IllegalStateException} naming the state (the admin API
 * answers 409), and change nothing.
 *
 * <pre>
 *   start ─► running, step -1 (canary instances starting, share 0)
 *   canaryReady ─► enter step 0; its window starts after the warm-up
 *   enter step i: approval needed ─► awaiting_approval (share stays) ─ approve ─► running at i
 *                 else            ─► running at i, window [now, now + stepDuration)
 *   analysed: pass ─► enter i+1, or at the last step promoting
 *             inconclusive ─► hold: due = now + stepDuration (the window keeps growing)
 *             fail ─► rolling_back
 *   kill switch | abort | canary failed ─► rolling_back ─► rolled_back
 *   promoting ─► promoted
 * </pre>
 */
public final class RolloutMachine {
  private RolloutMachine() {}

  public static Rollout start(
      String id, String version, Map<String, String> env, RolloutPlan plan, Instant now) {
    Rollout r =
        new Rollout(
            id,
            version,
            env,
            plan,
            Phase.RUNNING,
            -1,
            now,
            now,
            -1,
            Set.of(),
            false,
            "",
            List.of(),
            PoolFigures.NONE,
            now,
            List.of());
    return r.log(
        now,
        "started",
        "rollout of "
            + version
            + " started; steps "
            + RolloutPlan.percents(plan.stepsBasisPoints()),
        Map.of("version", version));
  }

  /** The canary instances are ready and in the canary pool: the first step begins. */
  public static Rollout canaryReady(Rollout r, List<String> instances, Instant now) {
    Rollout next = r.withCanaryInstances(instances);
    next = next.log(now, "canary_ready", instances.size() + " canary instance(s) ready", Map.of());
    if (next.phase() != Phase.RUNNING || next.stepIndex() >= 0) {
      return next;
    }
    return warmUp(enter(next, 0, now), now);
  }

  /** The analysis window of the running step starts after the warm-up (fresh instances). */
  public static Rollout warmUp(Rollout r, Instant now) {
    if (r.phase() != Phase.RUNNING || r.plan().warmup().isZero()) {
      return r;
    }
    Instant from = now.plus(r.plan().warmup());
    return r.withStep(r.stepIndex(), from, from.plus(r.plan().stepDuration()), -1);
  }

  static Rollout enter(Rollout r, int index, Instant now) {
    double percent = r.plan().stepBasisPoints(index) / 100.0;
    if (r.plan().needsApproval(index) && !r.approvedSteps().contains(index)) {
      Rollout waiting =
          r.with(Phase.AWAITING_APPROVAL).withStep(r.stepIndex(), r.stepStartedAt(), now, index);
      return waiting.log(
          now,
          "awaiting_approval",
          "waiting for approval before " + percent + " %",
          Map.of("nextStepPercent", percent));
    }
    Rollout running =
        r.with(Phase.RUNNING).withStep(index, now, now.plus(r.plan().stepDuration()), -1);
    return running.log(
        now,
        "step_advanced",
        "canary share " + percent + " % (step " + (index + 1) + " of " + r.plan().steps() + ")",
        Map.of("step", index + 1));
  }

  /** Whether the current step should be judged now. */
  public static boolean analysisDue(Rollout r, Instant now) {
    return r.phase() == Phase.RUNNING
        && !r.promoting()
        && r.stepIndex() >= 0
        && !now.isBefore(r.analysisDueAt());
  }

  /** The step that a pass would enter, or -1 when a pass promotes. */
  public static int nextStep(Rollout r) {
    return r.lastStep() ? -1 : r.stepIndex() + 1;
  }

  public static Rollout analysed(
      Rollout r, Verdict v, PoolFigures canary, PoolFigures stable, Instant now) {
    if (!analysisDue(r, now)) {
      throw new IllegalStateException("state: " + r.phase().wire() + " (no analysis due)");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("result", v.result().wire());
    figures.put("canary", figures(canary));
    figures.put("stable", figures(stable));
    Rollout logged = r.log(now, "analysis", v.reason(), figures);
    switch (v.result()) {
      case INCONCLUSIVE:
        return logged.withStep(
            r.stepIndex(), r.stepStartedAt(), now.plus(r.plan().stepDuration()), -1);
      case FAIL:
        return rollBack(logged, "analysis failed: " + v.reason(), figures, now);
      default:
        Rollout passed =
            stable.count() >= r.plan().analysis().minRequests()
                ? logged.withBaseline(stable)
                : logged;
        if (r.lastStep()) {
          return passed
              .withPromoting(true)
              .log(now, "promoting", "last step passed; promoting " + r.version(), Map.of());
        }
        return enter(passed, r.stepIndex() + 1, now);
    }
  }

  static Map<String, Object> figures(PoolFigures f) {
    return Map.of(
        "count",
        f.count(),
        "errors",
        f.errors(),
        "errorRate",
        Math.round(f.errorRate() * 1e6) / 1e6,
        "p99Ms",
        f.p99Micros() / 1000.0);
  }

  public static Rollout rollBack(
      Rollout r, String reason, Map<String, Object> figures, Instant now) {
    if (!r.phase().active()) {
      throw new IllegalStateException("state: " + r.phase().wire() + " (nothing to roll back)");
    }
    double from = r.stepPercent();
    Map<String, Object> f = new LinkedHashMap<>(figures);
    f.put("fromPercent", from);
    return r.withReason(reason)
        .log(now, "rolling_back", reason, f)
        .with(Phase.ROLLING_BACK)
        .withPromoting(false);
  }

  public static Rollout rolledBack(Rollout r, Instant now) {
    requirePhase(r, Phase.ROLLING_BACK, "rolled back");
    return r.with(Phase.ROLLED_BACK).log(now, "rolled_back", r.reason(), Map.of());
  }

  public static Rollout promoted(Rollout r, Instant now) {
    if (!r.promoting() || r.phase() != Phase.RUNNING) {
      throw new IllegalStateException("state: " + r.phase().wire() + " (not promoting)");
    }
    return r.withPromoting(false)
        .with(Phase.PROMOTED)
        .withReason("promoted")
        .log(now, "promoted", r.version() + " is the stable version", Map.of());
  }

  public static Rollout pause(Rollout r, Instant now) {
    requirePhase(r, Phase.RUNNING, "pause");
    if (r.promoting() || r.stepIndex() < 0) {
      throw new IllegalStateException(
          "state: running (" + (r.promoting() ? "promoting" : "canary starting") + ")");
    }
    return r.with(Phase.PAUSED).log(now, "paused", "paused by operator", Map.of());
  }

  /** The paused step starts a fresh analysis window: data from the pause is not judged. */
  public static Rollout resume(Rollout r, Instant now) {
    requirePhase(r, Phase.PAUSED, "resume");
    return r.with(Phase.RUNNING)
        .withStep(r.stepIndex(), now, now.plus(r.plan().stepDuration()), -1)
        .log(now, "resumed", "resumed by operator", Map.of());
  }

  public static Rollout approve(Rollout r, Instant now) {
    requirePhase(r, Phase.AWAITING_APPROVAL, "approve");
    Set<Integer> approved = new HashSet<>(r.approvedSteps());
    approved.add(r.pendingStep());
    Rollout a =
        r.withApproved(approved)
            .log(
                now,
                "approved",
                "approved by operator",
                Map.of("nextStepPercent", r.plan().stepBasisPoints(r.pendingStep()) / 100.0));
    return enter(a, r.pendingStep(), now);
  }

  /** Skips the remaining steps: the canary takes all traffic and becomes the stable version. */
  public static Rollout promote(Rollout r, Instant now) {
    if (!r.phase().active() || r.promoting()) {
      throw new IllegalStateException(
          "state: " + r.phase().wire() + (r.promoting() ? " (already promoting)" : ""));
    }
    if (r.stepIndex() < 0) {
      throw new IllegalStateException("state: running (canary starting)");
    }
    return r.with(Phase.RUNNING)
        .withStep(r.plan().steps() - 1, now, now, -1)
        .withPromoting(true)
        .log(now, "promoting", "promotion requested by operator", Map.of());
  }

  public static Rollout abort(Rollout r, Instant now) {
    if (r.promoting()) {
      // the new stable may already be taking over; a half-reverted promotion is the unknown mix
      throw new IllegalStateException("state: running (promoting; cannot abort)");
    }
    return rollBack(r, "aborted by operator", Map.of(), now);
  }

  /**
   * After an appliance restart: the canary instances are brought back (share 0 until they are
   * ready), then the step in force starts a fresh window.
   */
  public static Rollout restarted(Rollout r, Instant now) {
    Rollout logged = r.log(now, "restarted", "appliance restarted; " + r.phase().wire(), Map.of());
    if (r.phase() == Phase.RUNNING && r.stepIndex() >= 0 && !r.promoting()) {
      // the canary instances may be new ones: the window starts after a warm-up
      return warmUp(
          logged.withStep(r.stepIndex(), now, now.plus(r.plan().stepDuration()), -1), now);
    }
    return logged;
  }

  private static void requirePhase(Rollout r, Phase expected, String what) {
    if (r.phase() != expected) {
      throw new IllegalStateException(
          "state: " + r.phase().wire() + " (" + what + " needs " + expected.wire() + ")");
    }
  }
}
