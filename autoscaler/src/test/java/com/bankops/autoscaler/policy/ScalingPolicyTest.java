package com.bankops.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.autoscaler.policy.ScalingDecision.Mode;
import com.bankops.autoscaler.policy.ScalingHistory.Recommendation;
import com.bankops.autoscaler.signals.WindowAverage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One decision per case. Defaults unless a case says otherwise: min 1, max 10, target concurrency
 * 10 per instance, tolerance 10%, panic at 2x, up x2 or +4, down /2, stabilisation 30 s, stale
 * after 5 s, forecast in shadow mode.
 */
class ScalingPolicyTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  static final AutoscalerConfig DEFAULTS = AutoscalerConfig.defaults();

  record Case(
      String name,
      AutoscalerConfig config,
      ScalingInput input,
      int desired,
      Mode mode,
      String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        // --- the concurrency target and the tolerance band
        c("at target: keep", in(4, 4, 40), 4, Mode.STABLE, "within tolerance"),
        c("7.5% above: inside the band", in(4, 4, 43), 4, Mode.STABLE, "1.08 of 4 ready"),
        c("15% above: one more", in(4, 4, 46), 5, Mode.STABLE, "stable: concurrency 46.0"),
        c("half the load: half the instances", in(4, 4, 20), 2, Mode.STABLE, "-> 2"),
        c(
            "no tolerance: reacts to 2.5%",
            cfg(b -> b.tolerance(0)), in(4, 4, 41), 5, Mode.STABLE, "stable: concurrency 41.0"),
        c(
            "nothing ready yet: straight from concurrency",
            cfg(b -> b.minReplicas(0)),
            in(0, 0, 5),
            1,
            Mode.STABLE,
            "at target 10.0 per instance -> 1"),
        c(
            "target 25: Little's law sized",
            cfg(b -> b.targetConcurrency(25)),
            in(3, 3, 100),
            4,
            Mode.STABLE,
            "at target 25.0 per instance -> 4"),
        // --- panic
        c(
            "10x spike: panic, rate limited",
            in(2, 2, 22, 200),
            6,
            Mode.PANIC,
            "limited by max scale-up to 6 (x2.0 or +4 from 2 ready)"),
        c("burst exactly 2x ready: panic", in(4, 4, 40, 80), 8, Mode.PANIC, "is 2.0x what 4 ready"),
        c("burst below 2x: stable decides", in(4, 4, 40, 70), 4, Mode.STABLE, "within tolerance"),
        c(
            "panic continues without a burst and never scales down",
            in(6, 6, 10).withHistory(panicUntil(NOW.plusSeconds(30))),
            6,
            Mode.PANIC,
            "panic lasts until"),
        c(
            "panic over: stable decides again",
            in(6, 6, 10).withHistory(panicUntil(NOW.minusSeconds(1))),
            3,
            Mode.STABLE,
            "limited by max scale-down to 3"),
        // --- missing and stale data
        c(
            "missing metrics: hold",
            ScalingInput.of(NOW, 5, 5, LoadObservation.NONE),
            5,
            Mode.HOLD,
            "hold: no load samples in the last 60s -> keep 5"),
        c(
            "stale metrics: hold, never scale in",
            ScalingInput.of(NOW, 5, 5, observed(0, 0, NOW.minusSeconds(10))),
            5,
            Mode.HOLD,
            "load signals stale (newest 10s old, limit 5s)"),
        c(
            "4 s old metrics still count",
            ScalingInput.of(NOW, 4, 4, observed(80, 80, NOW.minusSeconds(4))),
            8,
            Mode.PANIC,
            "panic"),
        c(
            "missing metrics: min still applies",
            cfg(b -> b.minReplicas(3)),
            ScalingInput.of(NOW, 1, 1, LoadObservation.NONE),
            3,
            Mode.HOLD,
            "raised to minReplicas 3"),
        c(
            "missing metrics: alert floor still applies",
            ScalingInput.of(NOW, 2, 2, LoadObservation.NONE).withAlertFloor(5),
            5,
            Mode.HOLD,
            "raised to alert floor 5"),
        // --- min and max
        c(
            "min replicas",
            cfg(b -> b.minReplicas(3)),
            in(3, 3, 5),
            3,
            Mode.STABLE,
            "raised to minReplicas 3"),
        c("max replicas", in(10, 10, 300), 10, Mode.PANIC, "capped at maxReplicas 10"),
        c(
            "min 0: the last instance may go",
            cfg(b -> b.minReplicas(0)),
            in(1, 1, 0),
            0,
            Mode.STABLE,
            "-> 0"),
        // --- rate limits
        c(
            "scale-up step +4 beats x2 at small counts",
            in(1, 1, 80),
            5,
            Mode.PANIC,
            "limited by max scale-up to 5 (x2.0 or +4 from 1 ready)"),
        c(
            "scale-up x2 beats +4 at large counts",
            cfg(b -> b.maxReplicas(100)),
            in(20, 20, 600),
            40,
            Mode.PANIC,
            "limited by max scale-up to 40"),
        c(
            "starting instances: no more until they are ready",
            in(6, 2, 200),
            6,
            Mode.PANIC,
            "limited by max scale-up to 6"),
        c(
            "scale-down at most halves",
            in(10, 10, 10),
            5,
            Mode.STABLE,
            "limited by max scale-down to 5 (/2.0 from 10)"),
        // --- scale-down stabilisation
        c(
            "recent high recommendation holds the count",
            in(8, 8, 30).withHistory(recommended(8, NOW.minusSeconds(20))),
            8,
            Mode.STABLE,
            "scale-down stabilised at 8 (highest recommendation in the last 30s)"),
        c(
            "a lower recent recommendation lets it part way down",
            in(8, 8, 30).withHistory(recommended(6, NOW.minusSeconds(10))),
            6,
            Mode.STABLE,
            "scale-down stabilised at 6"),
        c(
            "recommendations older than the window are forgotten",
            in(8, 8, 30).withHistory(recommended(8, NOW.minusSeconds(40))),
            4,
            Mode.STABLE,
            "limited by max scale-down to 4"),
        c(
            "stabilisation never blocks scale-up",
            in(4, 4, 60).withHistory(recommended(2, NOW.minusSeconds(5))),
            6,
            Mode.STABLE,
            "stable: concurrency 60.0"),
        // --- CPU as the second signal
        c(
            "cpu above target wins over concurrency in the band",
            in(4, 4, 40).withCpu(new CpuObservation(1.05, NOW.minusSeconds(10))),
            6,
            Mode.STABLE,
            "cpu: utilisation 1.05 vs target 0.70 over 4 ready -> 6"),
        c(
            "cpu below concurrency loses",
            in(4, 4, 60).withCpu(new CpuObservation(0.3, NOW)),
            6,
            Mode.STABLE,
            "stable: concurrency 60.0"),
        c(
            "cpu at target blocks a concurrency scale-down",
            in(4, 4, 20).withCpu(new CpuObservation(0.72, NOW)),
            4,
            Mode.STABLE,
            "cpu: utilisation 0.72"),
        c(
            "stale cpu is ignored",
            in(4, 4, 40).withCpu(new CpuObservation(1.4, NOW.minusSeconds(60))),
            4,
            Mode.STABLE,
            "cpu ignored (stale, 60s old)"),
        // --- alert floor
        c("alert floor raises", in(3, 3, 30).withAlertFloor(6), 6, Mode.STABLE, "alert floor 6"),
        c(
            "alert floor below the need changes nothing",
            in(6, 6, 60).withAlertFloor(2),
            6,
            Mode.STABLE,
            "within tolerance"),
        c(
            "alert floor above max is capped",
            in(3, 3, 30).withAlertFloor(15),
            10,
            Mode.STABLE,
            "raised to alert floor 10"),
        // --- forecast
        c(
            "active forecast adds capacity ahead of a ramp",
            cfg(b -> b.forecastMode(ForecastMode.ACTIVE)),
            in(4, 4, 40).withForecast(forecast(1200, 0.05)),
            6,
            Mode.STABLE,
            "forecast: 1200.0 rps in 30s at 50 ms mean -> 6"),
        c(
            "a forecast that would scale in must not",
            cfg(b -> b.forecastMode(ForecastMode.ACTIVE)),
            in(6, 6, 60).withForecast(forecast(200, 0.05)),
            6,
            Mode.STABLE,
            "forecast asks 1, never removes capacity"),
        c(
            "shadow forecast only reports",
            in(4, 4, 40).withForecast(forecast(1200, 0.05)),
            4,
            Mode.STABLE,
            "forecast (shadow) would ask 6"),
        c(
            "forecast off is silent",
            cfg(b -> b.forecastMode(ForecastMode.OFF)),
            in(4, 4, 40).withForecast(forecast(1200, 0.05)),
            4,
            Mode.STABLE,
            "-> keep 4"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    ScalingDecision decision = ScalingPolicy.concurrency(c.config()).decide(c.input());

    assertThat(decision.desired()).as(decision.reason()).isEqualTo(c.desired());
    assertThat(decision.mode()).as(decision.reason()).isEqualTo(c.mode());
    assertThat(decision.reason()).contains(c.reason());
    assertThat(decision.current()).isEqualTo(c.input().currentReplicas());
    assertThat(decision.history().recommendations())
        .last()
        .satisfies(r -> assertThat(r.at()).isEqualTo(NOW));
  }

  // --- case builders

  static Case c(String name, ScalingInput input, int desired, Mode mode, String reason) {
    return new Case(name, DEFAULTS, input, desired, mode, reason);
  }

  static Case c(
      String name,
      AutoscalerConfig config,
      ScalingInput input,
      int desired,
      Mode mode,
      String reason) {
    return new Case(name, config, input, desired, mode, reason);
  }

  static AutoscalerConfig cfg(UnaryOperator<AutoscalerConfig.Builder> change) {
    return change.apply(AutoscalerConfig.builder()).build();
  }

  /** Current and ready replicas, the same concurrency in both windows, measured now. */
  static ScalingInput in(int current, int ready, double concurrency) {
    return in(current, ready, concurrency, concurrency);
  }

  static ScalingInput in(int current, int ready, double stable, double panic) {
    return ScalingInput.of(NOW, current, ready, observed(stable, panic, NOW));
  }

  static LoadObservation observed(double stable, double panic, Instant newest) {
    return new LoadObservation(
        new WindowAverage(stable, 60, newest), new WindowAverage(panic, 6, newest));
  }

  static ScalingHistory panicUntil(Instant until) {
    return ScalingHistory.EMPTY.withPanicUntil(until);
  }

  static ScalingHistory recommended(int replicas, Instant at) {
    return new ScalingHistory(List.of(new Recommendation(at, replicas)), Instant.EPOCH);
  }

  static ForecastObservation forecast(double rps, double meanLatencySeconds) {
    return new ForecastObservation(rps, meanLatencySeconds, Duration.ofSeconds(30));
  }
}
