package com.bankops.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalerConfigTest {

  record Case(String name, UnaryOperator<AutoscalerConfig.Builder> change, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> invalid() {
    return Stream.of(
        new Case("negative min", b -> b.minReplicas(-1), "minReplicas: -1 (expected: >= 0)"),
        new Case(
            "max below min",
            b -> b.minReplicas(5).maxReplicas(4),
            "maxReplicas: 4 (expected: >= max(1, minReplicas = 5))"),
        new Case(
            "max 0",
            b -> b.minReplicas(0).maxReplicas(0),
            "maxReplicas: 0 (expected: >= max(1, minReplicas = 0))"),
        new Case("target 0", b -> b.targetConcurrency(0), "targetConcurrency: 0.0 (expected: > 0)"),
        new Case(
            "cpu target above 1",
            b -> b.targetCpuUtilization(1.5),
            "targetCpuUtilization: 1.5 (expected: 0 < x <= 1)"),
        new Case("tolerance 1", b -> b.tolerance(1), "tolerance: 1.0 (expected: 0 <= x < 1)"),
        new Case(
            "panic window above stable",
            b -> b.panicWindow(Duration.ofSeconds(90)),
            "panicWindow: PT1M30S (expected: <= stableWindow = PT1M)"),
        new Case(
            "panic threshold 1", b -> b.panicThreshold(1), "panicThreshold: 1.0 (expected: > 1)"),
        new Case(
            "scale-up rate 1", b -> b.maxScaleUpRate(1), "maxScaleUpRate: 1.0 (expected: > 1)"),
        new Case("scale-up step 0", b -> b.maxScaleUpStep(0), "maxScaleUpStep: 0 (expected: >= 1)"),
        new Case(
            "scale-down rate 0.5",
            b -> b.maxScaleDownRate(0.5),
            "maxScaleDownRate: 0.5 (expected: > 1)"),
        new Case(
            "negative stabilisation",
            b -> b.scaleDownStabilization(Duration.ofSeconds(-1)),
            "scaleDownStabilization: PT-1S (expected: >= 0)"),
        new Case(
            "stale after 0", b -> b.staleAfter(Duration.ZERO), "staleAfter: PT0S (expected: > 0)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsWithTheFieldNamed(Case c) {
    assertThatThrownBy(() -> c.change().apply(AutoscalerConfig.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(c.message());
  }

  @Test
  void defaultsAreTheNamedConstantsAndRoundTripThroughTheBuilder() {
    AutoscalerConfig config = AutoscalerConfig.defaults();

    assertThat(config.stableWindow())
        .isEqualTo(AutoscalerConfig.DEFAULT_STABLE_WINDOW)
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(config.panicWindow()).isEqualTo(Duration.ofSeconds(6));
    assertThat(config.tolerance()).isEqualTo(0.1);
    assertThat(config.forecastMode()).isEqualTo(ForecastMode.SHADOW);
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }
}
