package com.bankops.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.bankops.balancer.testing.Concurrently;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadTrackerTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final long T0 = 1_000 * S; // any origin; nanoTime values are arbitrary

  private static final LoadTrackerConfig NO_SLOW_START =
      LoadTrackerConfig.DEFAULTS.withSlowStartWindow(Duration.ZERO);

  @Test
  void newBackendIsTriedWhileIdleButProbedOneAtATime() {
    LoadTracker t = new LoadTracker(NO_SLOW_START, T0);
    assertThat(t.latencyCost(T0)).isZero();
    t.onStart();
    // No estimate and a probe in flight: penalty (1 s = 1e6 µs) until it answers.
    assertThat(t.latencyCost(T0)).isEqualTo(1_000_000.0);
    t.onEnd(20 * MS, false, T0 + 20 * MS);
    assertThat(t.latencyCost(T0 + 20 * MS)).isEqualTo(20_000.0);
  }

  @ParameterizedTest(name = "cost {0} µs, {1} ms later sample {2} µs → {3} µs")
  @CsvSource({
    // peak: a higher sample replaces the estimate at once
    "10000,     0,   50000,  50000",
    "10000, 10000,   50000,  50000",
    // lower sample: w = e^(-Δt/τ), τ = 10 s
    "10000,     0,    1000,  10000", //  Δt 0: w 1, sample weighs nothing
    "10000, 10000,    1000,   4311", //  w e^-1: 10000·0.3679 + 1000·0.6321
    "10000, 100000,   1000,   1000", //  w ≈ 0: the sample
  })
  void peakEwma(double cost, long laterMillis, double sample, double expected) {
    LoadTracker t = new LoadTracker(NO_SLOW_START, T0);
    t.onStart();
    t.onEnd((long) (cost * 1_000), false, T0);
    long now = T0 + laterMillis * MS;
    t.onStart();
    t.onStart(); // keep one in flight so the reading shows the stored estimate, not idle decay
    t.onEnd((long) (sample * 1_000), false, now);
    assertThat(t.latencyCost(now)).isCloseTo(expected, within(1.0));
  }

  @Test
  void failureCountsAsAtLeastThePenalty() {
    LoadTracker t = new LoadTracker(NO_SLOW_START, T0);
    t.onStart();
    t.onEnd(1 * MS, true, T0); // a fast 503
    assertThat(t.latencyCost(T0)).isEqualTo(1_000_000.0);
    t.onStart();
    t.onEnd(3 * S, true, T0); // a slow failure counts as what it took
    assertThat(t.latencyCost(T0)).isEqualTo(3_000_000.0);
  }

  @Test
  void estimateFadesWhileIdleButNotWhileRequestsAreInFlight() {
    LoadTracker t = new LoadTracker(NO_SLOW_START, T0);
    t.onStart();
    t.onEnd(100 * MS, false, T0);
    assertThat(t.latencyCost(T0 + 10 * S)).isCloseTo(100_000 * Math.exp(-1), within(0.01));
    t.onStart(); // a hung request must not make the backend look cheap
    assertThat(t.latencyCost(T0 + 60 * S)).isEqualTo(100_000.0);
  }

  @ParameterizedTest(name = "window {0} s, {1} s after warm-up start → weight {2}")
  @CsvSource({
    "30,  -5, 0.1",
    "30,   0, 0.1",
    "30,  15, 0.55",
    "30,  27, 0.91",
    "30,  30, 1.0",
    "30, 600, 1.0",
    " 0,   0, 1.0",
  })
  void slowStartRampsLinearly(long windowSeconds, long elapsedSeconds, double expected) {
    LoadTracker t =
        new LoadTracker(
            LoadTrackerConfig.DEFAULTS.withSlowStartWindow(Duration.ofSeconds(windowSeconds)), T0);
    assertThat(t.weight(T0 + elapsedSeconds * S)).isCloseTo(expected, within(1e-9));
    assertThat(t.warmingUp(T0 + elapsedSeconds * S)).isEqualTo(expected < 1.0);
  }

  @Test
  void restartWarmupRampsAgain() {
    LoadTracker t = new LoadTracker(T0);
    assertThat(t.weight(T0 + 60 * S)).isEqualTo(1.0);
    t.restartWarmup(T0 + 60 * S);
    assertThat(t.weight(T0 + 60 * S)).isEqualTo(LoadTrackerConfig.DEFAULT_SLOW_START_MIN_WEIGHT);
  }

  @Test
  void inFlightCountsAndNeverGoesNegative() {
    LoadTracker t = new LoadTracker(T0);
    t.onStart();
    t.onStart();
    assertThat(t.inFlight()).isEqualTo(2);
    t.onCancel();
    t.onEnd(MS, false, T0);
    t.onEnd(MS, false, T0);
    assertThat(t.inFlight()).isZero();
  }

  @Test
  void concurrentEventLoopsKeepCountsExact() throws Exception {
    LoadTracker t = new LoadTracker(T0);
    int threads = 4;
    int perThread = 20_000;
    Concurrently.run(
        threads,
        () -> {
          for (int k = 0; k < perThread; k++) {
            t.onStart();
            t.onEnd(5 * MS, false, T0 + k);
          }
        },
        () -> {});
    assertThat(t.inFlight()).isZero();
    assertThat(t.latencyCost(T0 + perThread)).isCloseTo(5_000, within(1.0));
  }

  @Test
  void configNamesTheBadField() {
    assertThatThrownBy(
            () ->
                new LoadTrackerConfig(
                    Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 0.1))
        .hasMessageStartingWith("decayTime:");
    assertThatThrownBy(
            () ->
                new LoadTrackerConfig(
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessageStartingWith("slowStartMinWeight:");
    assertThatThrownBy(
            () ->
                new LoadTrackerConfig(
                    Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1), 0.5))
        .hasMessageStartingWith("failurePenalty:");
  }
}
