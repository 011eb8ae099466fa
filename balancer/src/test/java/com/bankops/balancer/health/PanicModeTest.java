package com.bankops.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PanicModeTest {

  @ParameterizedTest(name = "{0} of {1} healthy, threshold {2}% → all: {3}")
  @CsvSource({
    "4, 4, 50, false",
    "2, 4, 50, false", // exactly at the threshold: not yet
    "1, 4, 50, true",
    "0, 4, 50, true",
    "1, 2, 50, false",
    "0, 1, 50, true",
    "0, 0, 50, false", // nothing to route to either way
    "0, 4,  0, false", // threshold 0 never panics
    "9, 10, 100, true",
    "10, 10, 100, false",
  })
  void panicsBelowTheThreshold(int healthy, int total, double threshold, boolean expected) {
    assertThat(PanicMode.useAll(healthy, total, threshold)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} of {1} → all: {2}")
  @CsvSource({"3, 5, false", "2, 5, true"})
  void defaultThresholdIsFiftyPercent(int healthy, int total, boolean expected) {
    assertThat(PanicMode.useAll(healthy, total)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "({0}, {1}, {2}) → {3}")
  @CsvSource({
    "5, 4, 50, healthy",
    "-1, 4, 50, healthy",
    "0, -1, 50, total",
    "1, 4, 101, panicThresholdPercent",
  })
  void rejectsBadArgumentsNamingTheField(int healthy, int total, double threshold, String field) {
    assertThatThrownBy(() -> PanicMode.useAll(healthy, total, threshold))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ":");
  }
}
