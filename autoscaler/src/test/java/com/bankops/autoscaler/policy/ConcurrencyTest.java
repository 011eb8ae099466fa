package com.bankops.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConcurrencyTest {

  record Case(
      String name,
      double inFlight,
      double rps,
      double latencySeconds,
      double queue,
      double observed,
      int instancesAt10) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("Little's law: 200 rps x 50 ms", 0, 200, 0.05, 0, 10, 1),
        new Case("in-flight larger than the law", 25, 200, 0.05, 0, 25, 3),
        new Case("queue adds demand", 10, 200, 0.05, 15, 25, 3),
        new Case("exact multiple stays exact", 0, 300, 0.1, 0, 30, 3),
        new Case("idle", 0, 0, 0.05, 0, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void observedConcurrency(Case c) {
    double observed = Concurrency.observed(c.inFlight(), c.rps(), c.latencySeconds(), c.queue());

    assertThat(observed).isCloseTo(c.observed(), org.assertj.core.api.Assertions.within(1e-9));
    assertThat(Concurrency.instancesFor(observed, 10)).isEqualTo(c.instancesAt10());
  }
}
