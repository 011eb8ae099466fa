package com.bankops.balancer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutlierDetectorTest {
  private static final long S = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(-500 * S); // nanoTime may be negative
  private final AtomicInteger poolSize = new AtomicInteger(10);
  private final List<String> events = new ArrayList<>();
  private OutlierDetector detector;

  private final OutlierListener recorder =
      new OutlierListener() {
        @Override
        public void onEject(String id, EjectionReason reason, Duration ejectedFor, long now) {
          events.add("eject " + id + " " + reason.wire() + " " + ejectedFor.toSeconds() + "s");
        }

        @Override
        public void onUneject(String id, long now) {
          events.add("uneject " + id);
        }
      };

  @BeforeEach
  void setUp() {
    detector = new OutlierDetector(OutlierConfig.DEFAULTS, clock::get, poolSize::get, recorder);
  }

  private long now() {
    return clock.get();
  }

  private void advance(long seconds) {
    clock.addAndGet(seconds * S);
  }

  private void fail(String id, int times) {
    for (int i = 0; i < times; i++) {
      detector.onResult(id, false);
    }
  }

  private void succeed(String id, int times) {
    for (int i = 0; i < times; i++) {
      detector.onResult(id, true);
    }
  }

  @Test
  void fiveFailuresInARowEject() {
    fail("a", 4);
    assertThat(detector.isEjected("a", now())).isFalse();
    fail("a", 1);
    assertThat(detector.isEjected("a", now())).isTrue();
    assertThat(detector.ejected(now())).containsExactly("a");
    assertThat(events).containsExactly("eject a consecutive_failures 30s");
    assertThat(detector.ejection("a", now()))
        .hasValueSatisfying(e -> assertThat(e.untilNanos()).isEqualTo(now() + 30 * S));
  }

  @Test
  void aSuccessResetsTheRun() {
    fail("a", 4);
    succeed("a", 1);
    fail("a", 4);
    assertThat(detector.isEjected("a", now())).isFalse();
    assertThat(events).isEmpty();
  }

  /** {@code failures} (at most half) on odd positions, so no two come in a row. */
  private void interleaved(String id, int failures, int total) {
    for (int i = 0; i < total; i++) {
      boolean fail = i % 2 == 1 && i / 2 < failures;
      detector.onResult(id, !fail);
    }
  }

  @ParameterizedTest(name = "{0} failures of {1} in one interval → ejected: {2}")
  @CsvSource({
    "10, 20, true", //  50% of 20
    " 9, 20, false", // 45%
    " 9, 18, false", // 50% but below the minimum volume of 20
    "15, 30, true",
  })
  void failurePercentageWithMinimumVolume(int failures, int total, boolean ejected) {
    interleaved("a", failures, total);
    assertThat(detector.isEjected("a", now())).isEqualTo(ejected);
    if (ejected) {
      assertThat(events).containsExactly("eject a failure_percentage 30s");
    }
  }

  @Test
  void failuresInAnEarlierIntervalDoNotCount() {
    interleaved("a", 9, 18);
    advance(10);
    interleaved("a", 1, 2); // 10 of 20 overall, but only 1 of 2 in this interval
    assertThat(detector.isEjected("a", now())).isFalse();
  }

  @Test
  void ejectionEndsWhenItsTimeIsOver() {
    fail("a", 5);
    long until = now() + 30 * S;
    assertThat(detector.isEjected("a", until - 1)).isTrue();
    assertThat(detector.isEjected("a", until)).isFalse();
    assertThat(detector.expire(until - 1)).isEmpty();
    assertThat(detector.expire(until)).containsExactly("a");
    assertThat(detector.expire(until + S)).isEmpty(); // announced once
    assertThat(events).containsExactly("eject a consecutive_failures 30s", "uneject a");
  }

  @Test
  void theNextResultAnnouncesTheEndWhenExpireWasNotCalled() {
    fail("a", 5);
    advance(31);
    succeed("a", 1);
    assertThat(events).containsExactly("eject a consecutive_failures 30s", "uneject a");
    assertThat(detector.expire(now())).isEmpty();
  }

  @Test
  void resultsWhileEjectedAreIgnoredAndCountsStartAfresh() {
    fail("a", 5);
    fail("a", 20); // panic-mode traffic to an ejected backend
    assertThat(events).hasSize(1);
    advance(30);
    detector.expire(now());
    fail("a", 4);
    assertThat(detector.isEjected("a", now())).isFalse();
  }

  @Test
  void ejectionTimeGrowsWithEachEjectionUpToTheCap() {
    detector =
        new OutlierDetector(
            new OutlierConfig(
                5,
                50,
                20,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(100),
                50),
            clock::get,
            poolSize::get,
            recorder);
    List<Long> durations = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      fail("a", 5);
      long until = detector.ejection("a", now()).orElseThrow().untilNanos();
      durations.add((until - now()) / S);
      clock.set(until); // back at once: no clean interval in between
      detector.expire(now());
    }
    assertThat(durations).containsExactly(30L, 60L, 90L, 100L, 100L);
  }

  @ParameterizedTest(name = "{0} clean seconds after 2 ejections → third lasts {1} s")
  @CsvSource({"0, 90", "9, 90", "10, 60", "19, 60", "20, 30", "3600, 30"})
  void eachCleanIntervalTakesOneStepOffTheMultiplier(long cleanSeconds, long expected) {
    for (int i = 0; i < 2; i++) {
      fail("a", 5);
      clock.set(detector.ejection("a", now()).orElseThrow().untilNanos());
      detector.expire(now());
    }
    advance(cleanSeconds);
    fail("a", 5);
    Ejection e = detector.ejection("a", now()).orElseThrow();
    assertThat((e.untilNanos() - now()) / S).isEqualTo(expected);
  }

  @ParameterizedTest(name = "pool {0}, {1} failing, max {2}% → {3} ejected")
  @CsvSource({
    "10, 7, 50, 5",
    " 2, 2, 50, 1",
    " 3, 3, 50, 1", // two of three would be 67%
    " 1, 1, 50, 0", // a pool of one never loses its only member
    " 4, 4, 100, 4",
    " 4, 4, 0, 0",
  })
  void neverEjectsMoreThanTheMaximumShare(
      int pool, int failing, double maxPercent, int expectedEjected) {
    poolSize.set(pool);
    detector =
        new OutlierDetector(
            new OutlierConfig(
                5,
                50,
                20,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                maxPercent),
            clock::get,
            poolSize::get,
            recorder);
    for (int b = 0; b < failing; b++) {
      fail("b" + b, 10);
    }
    assertThat(detector.ejected(now())).hasSize(expectedEjected);
  }

  @Test
  void aRefusedEjectionHappensOnceThereIsRoom() {
    poolSize.set(2);
    fail("a", 5);
    fail("b", 5);
    assertThat(detector.ejected(now())).containsExactly("a");
    advance(30);
    detector.expire(now());
    fail("b", 1); // still failing: now there is room
    assertThat(detector.ejected(now())).containsExactly("b");
  }

  @Test
  void removedBackendsAreForgotten() {
    fail("a", 5);
    detector.remove("a");
    assertThat(detector.isEjected("a", now())).isFalse();
    assertThat(detector.ejected(now())).isEmpty();
    assertThat(detector.expire(now() + 60 * S)).isEmpty();
  }

  @Test
  void disabledChecksDoNotEject() {
    detector =
        new OutlierDetector(
            new OutlierConfig(
                0,
                0,
                20,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofSeconds(300),
                50),
            clock::get,
            poolSize::get,
            recorder);
    fail("a", 100);
    assertThat(detector.ejected(now())).isEmpty();
  }

  @Test
  void worksWithoutAListener() {
    OutlierDetector quiet = new OutlierDetector(clock::get, poolSize::get);
    for (int i = 0; i < 5; i++) {
      quiet.onResult("a", false);
    }
    assertThat(quiet.isEjected("a", now())).isTrue();
    advance(30);
    assertThat(quiet.expire(now())).containsExactly("a");
  }

  @ParameterizedTest(name = "{7}")
  @CsvSource({
    "-1, 50, 20, 10, 30, 300, 50, consecutiveFailures",
    " 5, 101, 20, 10, 30, 300, 50, failurePercentageThreshold",
    " 5, 50, 0, 10, 30, 300, 50, failurePercentageMinimumVolume",
    " 5, 50, 20, 0, 30, 300, 50, interval",
    " 5, 50, 20, 10, 0, 300, 50, baseEjectionTime",
    " 5, 50, 20, 10, 30, 20, 50, maxEjectionTime",
    " 5, 50, 20, 10, 30, 300, 150, maxEjectionPercent",
  })
  void configNamesTheBadField(
      int consecutive,
      double percent,
      int volume,
      long interval,
      long base,
      long max,
      double maxPercent,
      String field) {
    assertThatThrownBy(
            () ->
                new OutlierConfig(
                    consecutive,
                    percent,
                    volume,
                    Duration.ofSeconds(interval),
                    Duration.ofSeconds(base),
                    Duration.ofSeconds(max),
                    maxPercent))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ":");
  }
}
