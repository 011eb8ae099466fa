package com.bankops.autoscaler.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SignalWindowTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Samples at t = 1, 2, 3, ... seconds with the given values; an average at {@code now}. */
  record Case(
      String name, List<Double> values, int now, int windowSeconds, double mean, int count) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("last two of four", List.of(4.0, 6.0, 8.0, 10.0), 4, 2, 9.0, 2),
        new Case("all of four", List.of(4.0, 6.0, 8.0, 10.0), 4, 60, 7.0, 4),
        new Case("window start is exclusive", List.of(4.0, 6.0, 8.0, 10.0), 4, 3, 8.0, 3),
        new Case("now before the newest ignores it", List.of(4.0, 6.0, 8.0, 10.0), 3, 2, 7.0, 2),
        new Case("samples too old: empty", List.of(4.0, 6.0), 30, 6, 0.0, 0),
        new Case("nothing yet: empty", List.of(), 5, 60, 0.0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void averagesTheTrailingWindow(Case c) {
    SignalWindow window = new SignalWindow(Duration.ofSeconds(120));
    for (int i = 0; i < c.values().size(); i++) {
      window.add(T0.plusSeconds(i + 1), c.values().get(i));
    }

    WindowAverage average =
        window.average(T0.plusSeconds(c.now()), Duration.ofSeconds(c.windowSeconds()));

    assertThat(average.value()).isEqualTo(c.mean());
    assertThat(average.samples()).isEqualTo(c.count());
  }

  @Test
  void dropsSamplesBeyondRetentionAndReplacesSameInstant() {
    SignalWindow window = new SignalWindow(Duration.ofSeconds(10));
    for (int s = 0; s < 100; s++) {
      window.add(T0.plusSeconds(s), s);
    }
    window.add(T0.plusSeconds(99), 1000);

    assertThat(window.size()).isEqualTo(10);
    assertThat(window.newest()).isEqualTo(T0.plusSeconds(99));
    assertThat(window.average(T0.plusSeconds(99), Duration.ofSeconds(1)).value()).isEqualTo(1000);
  }

  @Test
  void rejectsTimeGoingBackwardsAndNonFiniteValues() {
    SignalWindow window = new SignalWindow(Duration.ofSeconds(10));
    window.add(T0.plusSeconds(5), 1);

    assertThatThrownBy(() -> window.add(T0, 1)).hasMessageStartingWith("at: " + T0);
    assertThatThrownBy(() -> window.add(T0.plusSeconds(6), Double.NaN))
        .hasMessage("value: NaN (expected: finite)");
    assertThatThrownBy(() -> new SignalWindow(Duration.ZERO))
        .hasMessage("retention: PT0S (expected: > 0)");
  }
}
