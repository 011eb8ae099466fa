package com.bankops.autoscaler.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HoltForecasterTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * {@code samples} rates, one every {@code spacingMillis}, from {@code series}(i); then {@code
   * forecast(horizon)} is expected within {@code tolerance} (relative) of {@code expected}.
   */
  record Case(
      String name,
      IntToDoubleFunction series,
      int samples,
      int spacingMillis,
      double horizon,
      double expected,
      double tolerance) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("flat stays flat", i -> 300, 60, 1000, 30, 300, 0.001),
        new Case(
            "flat with noise stays near flat",
            i -> 300 + (i % 2 == 0 ? 15 : -15),
            60,
            1000,
            30,
            300,
            0.06),
        new Case("linear ramp, 1 s spacing", i -> 100 + 10 * i, 60, 1000, 30, 100 + 10 * 89, 0.03),
        new Case(
            "linear ramp, 250 ms spacing",
            i -> 100 + 2.5 * i,
            240,
            250,
            30,
            100 + 2.5 * 239 + 300,
            0.03),
        new Case(
            "noisy ramp", i -> 100 + 10 * i + (i % 3 - 1) * 20, 60, 1000, 10, 100 + 10 * 69, 0.05),
        new Case("step settles on the new level", i -> i < 30 ? 100 : 500, 90, 1000, 10, 500, 0.03),
        new Case(
            "falling ramp never forecasts below zero",
            i -> Math.max(0, 600 - 10 * i),
            50,
            1000,
            120,
            0,
            0.0),
        new Case("one sample: its value", i -> 42, 1, 1000, 30, 42, 0.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forecasts(Case c) {
    HoltForecaster holt = HoltForecaster.withDefaults();
    for (int i = 0; i < c.samples(); i++) {
      holt = holt.observe(T0.plusMillis((long) i * c.spacingMillis()), c.series().applyAsDouble(i));
    }

    assertThat(holt.forecast(c.horizon()))
        .isCloseTo(c.expected(), within(Math.max(1e-9, c.expected() * c.tolerance())));
  }

  @Test
  void isImmutableAndIgnoresOutOfOrderSamples() {
    HoltForecaster empty = HoltForecaster.withDefaults();
    HoltForecaster one = empty.observe(T0, 100);
    HoltForecaster two = one.observe(T0.plusSeconds(1), 110);

    assertThat(empty.observations()).isZero();
    assertThat(one.isWarm()).isFalse();
    assertThat(two.isWarm()).isTrue();
    assertThat(two.trendPerSecond()).isEqualTo(10);
    assertThat(two.observe(T0, 5)).isSameAs(two);
    assertThat(two.lastObservedAt()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void validatesWithTheFieldName() {
    assertThatThrownBy(() -> HoltForecaster.create(0, 0.3))
        .hasMessage("alpha: 0.0 (expected: 0 < alpha <= 1)");
    assertThatThrownBy(() -> HoltForecaster.create(0.5, 1.5))
        .hasMessage("beta: 1.5 (expected: 0 < beta <= 1)");
    assertThatThrownBy(() -> HoltForecaster.withDefaults().observe(T0, -1))
        .hasMessage("value: -1.0 (expected: finite, >= 0)");
    assertThatThrownBy(() -> HoltForecaster.withDefaults().forecast(-1))
        .hasMessage("horizonSeconds: -1.0 (expected: >= 0)");
  }
}
