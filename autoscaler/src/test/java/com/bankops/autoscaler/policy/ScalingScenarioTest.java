package com.bankops.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.autoscaler.forecast.HoltForecaster;
import com.bankops.autoscaler.signals.SignalWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The policy over many 1 s ticks, with a fake clock and instances that become ready a few ticks
 * after they are started, as the loop will drive it.
 */
class ScalingScenarioTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final AutoscalerConfig DEFAULTS = AutoscalerConfig.defaults();

  @Test
  void aTenfoldSpikeIsAnsweredWithinATickAndServedWithinSeconds() {
    // 60 s at 10 in flight on 1 instance, then 100 in flight; instances take 3 ticks to get ready
    Run run = simulate(DEFAULTS, 1, 3, 120, s -> s < 60 ? 10 : 100, s -> 0, null, 0);

    assertThat(run.desired.subList(0, 60)).containsOnly(1);
    assertThat(run.desired.get(60)).as("first tick of the surge").isGreaterThan(1);
    assertThat(run.reasons.get(60)).contains("panic");
    assertThat(run.ready.get(60 + 8)).as("ready 8 ticks into the surge").isEqualTo(10);
    assertThat(run.desired.subList(60, 120)).isSorted();
  }

  @Test
  void anOscillatingLoadDoesNotFlap() {
    // 30..50 in flight, a sawtooth with a 20 s period, around 4 instances' target of 40
    Run run =
        simulate(
            DEFAULTS,
            4,
            2,
            600,
            s -> 30 + 2 * (s % 20) - (s % 20 >= 10 ? 4 * (s % 10) : 0),
            s -> 0,
            null,
            0);

    assertThat(run.desired.subList(60, 600)).containsOnly(4);
    assertThat(changes(run.desired))
        .as("changes in 600 ticks, warm-up included")
        .isLessThanOrEqualTo(1);
  }

  @Test
  void aPeriodicDipSettlesWithoutFlapping() {
    // 80 in flight, with a 10 s dip to 10 every minute: 68.3 on average over the stable window
    Run run = simulate(DEFAULTS, 8, 2, 400, s -> s % 60 < 10 ? 10 : 80, s -> 0, null, 0);

    assertThat(run.desired.subList(150, 400)).containsOnly(7);
  }

  @Test
  void aLoadDropScalesInGraduallyAfterTheStabilisation() {
    Run run = simulate(DEFAULTS, 8, 2, 240, s -> s < 60 ? 80 : 20, s -> 0, null, 0);

    List<Integer> afterDrop = run.desired.subList(60, 240);
    assertThat(afterDrop.subList(0, 30)).as("nothing goes within 30 s").containsOnly(8);
    assertThat(afterDrop).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
    assertThat(run.desired.get(239)).isEqualTo(2);
  }

  @Test
  void missingMetricsHoldAndNeverScaleIn() {
    // load stops arriving at 60 s while 8 instances run
    Run run = simulate(DEFAULTS, 8, 2, 200, s -> s < 60 ? 80 : Double.NaN, s -> 0, null, 0);

    assertThat(run.desired.subList(60, 200)).containsOnly(8);
    assertThat(run.reasons.get(199)).contains("hold");
  }

  @Test
  void aResolvedAlertFloorIsLiftedThroughTheNormalScaleDown() {
    // 20 in flight needs 2; an alert asks for 6 from 30 s to 60 s
    Run run = simulate(DEFAULTS, 2, 1, 200, s -> 20, s -> s >= 30 && s < 60 ? 6 : 0, null, 0);

    assertThat(run.desired.get(30)).isEqualTo(6);
    assertThat(run.desired.subList(60, 90))
        .as("stabilised after the alert resolved")
        .containsOnly(6);
    assertThat(run.desired.get(90)).as("then at most halved").isEqualTo(3);
    assertThat(run.desired.subList(91, 200)).containsOnly(2);
  }

  @Test
  void anActiveForecastAddsCapacityAheadOfARampAndNeverBelowReactive() {
    // rps ramps 200 -> 2000 over 90 s at 25 ms mean latency: 5 -> 50 in flight
    IntToDoubleFunction rps = s -> s < 30 ? 200 : Math.min(2000, 200 + 20 * (s - 30));
    IntToDoubleFunction concurrency = s -> rps.applyAsDouble(s) * 0.025;
    AutoscalerConfig active = DEFAULTS.toBuilder().forecastMode(ForecastMode.ACTIVE).build();
    AutoscalerConfig off = DEFAULTS.toBuilder().forecastMode(ForecastMode.OFF).build();

    Run predictive = simulate(active, 1, 3, 180, concurrency, s -> 0, rps, 10);
    Run reactive = simulate(off, 1, 3, 180, concurrency, s -> 0, rps, 10);

    for (int s = 0; s < 180; s++) {
      assertThat(predictive.desired.get(s))
          .as("tick %d", s)
          .isGreaterThanOrEqualTo(reactive.desired.get(s));
    }
    assertThat(firstTickAtLeast(predictive.desired, 4))
        .isLessThan(firstTickAtLeast(reactive.desired, 4));
    assertThat(predictive.reasons).anyMatch(r -> r.contains("forecast: "));
  }

  @Test
  void aForecastOfFallingLoadNeverScalesInFasterThanReactive() {
    IntToDoubleFunction rps = s -> s < 30 ? 2000 : Math.max(200, 2000 - 30 * (s - 30));
    IntToDoubleFunction concurrency = s -> rps.applyAsDouble(s) * 0.025;
    AutoscalerConfig active = DEFAULTS.toBuilder().forecastMode(ForecastMode.ACTIVE).build();
    AutoscalerConfig off = DEFAULTS.toBuilder().forecastMode(ForecastMode.OFF).build();

    Run predictive = simulate(active, 5, 2, 240, concurrency, s -> 0, rps, 10);
    Run reactive = simulate(off, 5, 2, 240, concurrency, s -> 0, rps, 10);

    assertThat(predictive.desired).isEqualTo(reactive.desired);
  }

  // --- the simulated loop

  record Run(List<Integer> desired, List<Integer> ready, List<String> reasons) {}

  /**
   * One decision per second. A NaN concurrency means no sample that tick. With {@code rps} given, a
   * Holt forecaster projects it {@code horizon} seconds ahead at the latency implied by {@code
   * concurrency ÷ rps}.
   */
  static Run simulate(
      AutoscalerConfig config,
      int initial,
      int startupTicks,
      int ticks,
      IntToDoubleFunction concurrency,
      IntUnaryOperator alertFloor,
      IntToDoubleFunction rps,
      int horizon) {
    ScalingPolicy policy = ScalingPolicy.concurrency(config);
    SignalWindow window = new SignalWindow(config.stableWindow());
    HoltForecaster holt = HoltForecaster.withDefaults();
    ScalingHistory history = ScalingHistory.EMPTY;
    int ready = initial;
    Deque<Integer> starting = new ArrayDeque<>(); // tick at which each starting instance is ready
    List<Integer> desiredByTick = new ArrayList<>();
    List<Integer> readyByTick = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (int s = 0; s < ticks; s++) {
      Instant now = T0.plusSeconds(s);
      while (!starting.isEmpty() && starting.peekFirst() <= s) {
        starting.pollFirst();
        ready++;
      }
      double c = concurrency.applyAsDouble(s);
      if (!Double.isNaN(c)) {
        window.add(now, c);
      }
      ForecastObservation forecast = ForecastObservation.NONE;
      if (rps != null) {
        double r = rps.applyAsDouble(s);
        holt = holt.observe(now, r);
        if (holt.isWarm()) {
          forecast =
              new ForecastObservation(holt.forecast(horizon), c / r, Duration.ofSeconds(horizon));
        }
      }
      int current = ready + starting.size();
      ScalingInput input =
          new ScalingInput(
              now,
              current,
              ready,
              LoadObservation.of(window, now, config),
              CpuObservation.NONE,
              forecast,
              alertFloor.applyAsInt(s),
              history);
      ScalingDecision decision = policy.decide(input);
      history = decision.history();
      for (int i = current; i < decision.desired(); i++) {
        starting.addLast(s + startupTicks);
      }
      for (int i = decision.desired(); i < current; i++) {
        if (!starting.isEmpty()) {
          starting.pollLast();
        } else {
          ready--;
        }
      }
      desiredByTick.add(decision.desired());
      readyByTick.add(ready);
      reasons.add(decision.reason());
    }
    return new Run(desiredByTick, readyByTick, reasons);
  }

  static int changes(List<Integer> desired) {
    int changes = 0;
    for (int s = 1; s < desired.size(); s++) {
      changes += desired.get(s).equals(desired.get(s - 1)) ? 0 : 1;
    }
    return changes;
  }

  static int firstTickAtLeast(List<Integer> desired, int replicas) {
    for (int s = 0; s < desired.size(); s++) {
      if (desired.get(s) >= replicas) {
        return s;
      }
    }
    return Integer.MAX_VALUE;
  }
}
