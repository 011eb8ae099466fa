package com.bankops.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CanaryReplicasTest {

  record Case(int total, int shareBasisPoints, int stable, int canary) {}

  static Stream<Case> cases() {
    return Stream.of(
        new Case(4, 0, 4, 0),
        new Case(10, 1000, 9, 1),
        new Case(10, 2500, 7, 3),
        new Case(1, 10, 1, 1),
        new Case(20, 1, 19, 1),
        new Case(6, 5000, 3, 3),
        new Case(6, 10_000, 0, 6),
        new Case(0, 500, 1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void followsTheShareWithAtLeastOneCanary(Case c) {
    CanaryReplicas.Split split = CanaryReplicas.split(c.total(), c.shareBasisPoints());

    assertThat(split.stable()).as(split.reason()).isEqualTo(c.stable());
    assertThat(split.canary()).as(split.reason()).isEqualTo(c.canary());
    assertThat(split.reason()).contains("stable " + c.stable() + ", canary " + c.canary());
  }

  @Test
  void validatesTheShare() {
    assertThatThrownBy(() -> CanaryReplicas.split(3, 10_001))
        .hasMessage("canaryShareBasisPoints: 10001 (expected: 0..10000)");
  }
}
