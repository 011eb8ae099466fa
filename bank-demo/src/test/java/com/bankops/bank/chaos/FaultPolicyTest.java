package com.bankops.bank.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultPolicyTest {

  @ParameterizedTest(name = "rate {0}, draw {1} → fail {2}")
  @CsvSource({
    "0.0, 0.0, false",
    "0.25, 0.24, true",
    "0.25, 0.25, false",
    "1.0, 0.999, true",
    "0.5, 0.7, false",
  })
  void failsWhenTheDrawFallsUnderTheRate(double rate, double draw, boolean fail) {
    FaultPolicy policy = new FaultPolicy(rate, 30, () -> draw);
    assertThat(policy.decide()).isEqualTo(new FaultPolicy.Fault(fail, 30));
  }

  @ParameterizedTest(name = "rate {0}, latency {1} → {2}")
  @CsvSource({
    "-0.1, 0, errorRate",
    "1.1, 0, errorRate",
    "NaN, 0, errorRate",
    "0, -1, latencyMillis"
  })
  void rejectsOutOfRange(double rate, long latency, String named) {
    assertThatThrownBy(() -> new FaultPolicy(rate, latency, () -> 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(named);
  }

  @ParameterizedTest(name = "rate {0}, latency {1} → active {2}")
  @CsvSource({"0, 0, false", "0.1, 0, true", "0, 5, true"})
  void activeOnlyWithAFault(double rate, long latency, boolean active) {
    assertThat(new FaultPolicy(rate, latency, () -> 0.5).isActive()).isEqualTo(active);
  }
}
