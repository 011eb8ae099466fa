package com.bankops.balancer.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step machine on a fake clock. Each table row is a script of events, one per word:
 *
 * <pre>
 *   ready      canary instances ready          +N   the clock moves N seconds
 *   pass fail hold   the analysis verdict       kill rolled  kill switch / cleanup done
 *   pause resume approve promote abort promoted restart
 * </pre>
 *
 * and the state and canary percent expected after the script. Plan: steps 1, 5, 25, 100 at 10 s.
 */
class RolloutMachineTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final PoolFigures CANARY = new PoolFigures(500, 1, 5000);
  static final PoolFigures STABLE = new PoolFigures(5000, 10, 5000);

  static Stream<Arguments> scripts() {
    return Stream.of(
        Arguments.of("", "running", 0.0, -1),
        Arguments.of("ready", "running", 1.0, 0),
        Arguments.of("ready +10 pass", "running", 5.0, 1),
        Arguments.of("ready +10 pass +10 pass +10 pass", "running", 100.0, 3),
        Arguments.of("ready +10 pass +10 pass +10 pass +10 pass", "running", 100.0, 3),
        Arguments.of("ready +10 pass +10 pass +10 pass +10 pass promoted", "promoted", 0.0, 3),
        Arguments.of("ready +10 hold", "running", 1.0, 0),
        Arguments.of("ready +10 hold +10 hold +10 pass", "running", 5.0, 1),
        Arguments.of("ready +10 pass +10 fail", "rolling_back", 0.0, 1),
        Arguments.of("ready +10 pass +10 fail rolled", "rolled_back", 0.0, 1),
        Arguments.of("ready +3 kill", "rolling_back", 0.0, 0),
        Arguments.of("ready +3 pause", "paused", 1.0, 0),
        Arguments.of("ready +3 pause +60 resume", "running", 1.0, 0),
        Arguments.of("ready +3 pause abort rolled", "rolled_back", 0.0, 0),
        Arguments.of("ready +10 pass +10 pass", "awaiting_approval", 5.0, 1, Set.of(2500)),
        Arguments.of("ready +10 pass +10 pass +60 approve", "running", 25.0, 2, Set.of(2500)),
        Arguments.of("ready +10 pass +10 pass abort", "rolling_back", 0.0, 1, Set.of(2500)),
        Arguments.of("approve-first", "awaiting_approval", 0.0, -1, Set.of(100)),
        Arguments.of("approve-first approve", "running", 1.0, 0, Set.of(100)),
        Arguments.of("ready +3 promote", "running", 100.0, 3),
        Arguments.of("ready +3 promote promoted", "promoted", 0.0, 3),
        Arguments.of("ready +10 pass +5 restart", "running", 5.0, 1));
  }

  @ParameterizedTest(name = "{0} -> {1} at {2}% (approval before {4})")
  @MethodSource("allScripts")
  void scriptEndsInStateAndShare(
      String script, String state, double percent, int step, Set<Integer> approvalBefore) {
    Rollout r = run(script, approvalBefore);
    assertThat(r.phase().wire()).as(script).isEqualTo(state);
    assertThat(r.stepPercent()).as(script).isEqualTo(percent);
    assertThat(r.stepIndex()).as(script).isEqualTo(step);
    // what was served is what a restarted appliance reads back
    JsonObject served = new JsonObject(RolloutJson.toJson(r).encode());
    Rollout read = RolloutJson.fromJson(served);
    assertThat(RolloutJson.toJson(read)).isEqualTo(served);
    assertThat(read.shareBasisPoints()).isEqualTo(r.shareBasisPoints());
    assertThat(read.analysisDueAt()).isEqualTo(r.analysisDueAt());
  }

  static Stream<Arguments> allScripts() {
    return scripts()
        .map(
            a ->
                a.get().length == 5
                    ? a
                    : Arguments.of(a.get()[0], a.get()[1], a.get()[2], a.get()[3], Set.of()));
  }

  @Test
  void holdExtendsTheWindowFromTheStepStartSoMoreSamplesCount() {
    Rollout r = run("ready +10 hold", Set.of());
    assertThat(r.stepStartedAt()).isEqualTo(T0);
    assertThat(r.analysisDueAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(RolloutMachine.analysisDue(r, T0.plusSeconds(19))).isFalse();
    assertThat(RolloutMachine.analysisDue(r, T0.plusSeconds(20))).isTrue();
  }

  @Test
  void theFirstWindowStartsAfterTheWarmUpWhileTheShareAppliesAtOnce() {
    Rollout r = run("ready", Set.of(), Duration.ofSeconds(5));
    assertThat(r.stepPercent()).isEqualTo(1.0);
    assertThat(r.stepStartedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(RolloutMachine.analysisDue(r, T0.plusSeconds(14))).isFalse();
    assertThat(RolloutMachine.analysisDue(r, T0.plusSeconds(15))).isTrue();
    Rollout next = run("ready +15 pass", Set.of(), Duration.ofSeconds(5));
    assertThat(next.stepStartedAt()).as("later steps: no warm-up").isEqualTo(T0.plusSeconds(15));
    Rollout restarted = run("ready +15 pass +3 restart", Set.of(), Duration.ofSeconds(5));
    assertThat(restarted.stepStartedAt()).isEqualTo(T0.plusSeconds(23));
  }

  @Test
  void awaitingApprovalAndPausedAreNeverAnalysed() {
    assertThat(
            RolloutMachine.analysisDue(
                run("ready +10 pass +10 pass", Set.of(2500)), T0.plusSeconds(999)))
        .isFalse();
    assertThat(RolloutMachine.analysisDue(run("ready +3 pause", Set.of()), T0.plusSeconds(999)))
        .isFalse();
  }

  @Test
  void theTimelineRecordsStepsAnalysesAndTheRollback() {
    Rollout r = run("ready +10 pass +10 fail rolled", Set.of());
    assertThat(r.timeline())
        .extracting(TimelineEntry::event)
        .containsExactly(
            "started",
            "canary_ready",
            "step_advanced",
            "analysis",
            "step_advanced",
            "analysis",
            "rolling_back",
            "rolled_back");
    TimelineEntry back = r.timeline().get(6);
    assertThat(back.stepPercent()).isEqualTo(5.0);
    assertThat(back.figures()).containsEntry("fromPercent", 5.0);
    assertThat(r.reason()).startsWith("analysis failed: bad");
  }

  @Test
  void refusedCommandsNameTheStateAndChangeNothing() {
    Rollout starting = run("", Set.of());
    assertThatThrownBy(() -> RolloutMachine.pause(starting, T0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("state: running (canary starting)");
    assertThatThrownBy(() -> RolloutMachine.promote(starting, T0))
        .isInstanceOf(IllegalStateException.class);
    Rollout running = run("ready", Set.of());
    assertThatThrownBy(() -> RolloutMachine.resume(running, T0))
        .hasMessage("state: running (resume needs paused)");
    assertThatThrownBy(() -> RolloutMachine.approve(running, T0))
        .hasMessage("state: running (approve needs awaiting_approval)");
    Rollout done = run("ready +10 fail rolled", Set.of());
    for (String op : List.of("pause", "resume", "approve", "promote", "abort")) {
      assertThatThrownBy(() -> apply(done, op, T0))
          .as(op)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("state: rolled_back");
    }
    Rollout promoting = run("ready +3 promote", Set.of());
    assertThatThrownBy(() -> RolloutMachine.abort(promoting, T0))
        .hasMessageStartingWith("state: running (promoting");
  }

  static Rollout run(String script, Set<Integer> approvalBefore) {
    return run(script, approvalBefore, Duration.ZERO);
  }

  static Rollout run(String script, Set<Integer> approvalBefore, Duration warmup) {
    RolloutPlan plan =
        new RolloutPlan(
            List.of(100, 500, 2500, 10_000),
            Duration.ofSeconds(10),
            AnalysisThresholds.DEFAULTS,
            approvalBefore,
            KillSwitch.DEFAULTS,
            warmup);
    Instant now = T0;
    Rollout r = RolloutMachine.start("r1", "1.1.0", Map.of("A", "b"), plan, now);
    for (String word : script.split(" ")) {
      if (word.isEmpty()) {
        continue;
      }
      if (word.startsWith("+")) {
        now = now.plusSeconds(Long.parseLong(word.substring(1)));
        continue;
      }
      r = apply(r, word, now);
    }
    return r;
  }

  static Rollout apply(Rollout r, String word, Instant now) {
    return switch (word) {
      case "ready", "approve-first" -> RolloutMachine.canaryReady(r, List.of("c1"), now);
      case "pass" -> verdict(r, Verdict.Result.PASS, now);
      case "fail" -> verdict(r, Verdict.Result.FAIL, now);
      case "hold" -> verdict(r, Verdict.Result.INCONCLUSIVE, now);
      case "kill" -> RolloutMachine.rollBack(r, "kill switch: test", Map.of(), now);
      case "rolled" -> RolloutMachine.rolledBack(r, now);
      case "pause" -> RolloutMachine.pause(r, now);
      case "resume" -> RolloutMachine.resume(r, now);
      case "approve" -> RolloutMachine.approve(r, now);
      case "promote" -> RolloutMachine.promote(r, now);
      case "promoted" -> RolloutMachine.promoted(r, now);
      case "abort" -> RolloutMachine.abort(r, now);
      case "restart" -> RolloutMachine.restarted(r, now);
      default -> throw new IllegalArgumentException(word);
    };
  }

  static Rollout verdict(Rollout r, Verdict.Result result, Instant now) {
    if (!RolloutMachine.analysisDue(r, now)) {
      return r; // the controller would not analyse yet
    }
    return RolloutMachine.analysed(r, new Verdict(result, "bad"), CANARY, STABLE, now);
  }
}
