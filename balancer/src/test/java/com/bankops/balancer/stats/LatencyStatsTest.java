package com.bankops.balancer.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.bankops.balancer.testing.Concurrently;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyStatsTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = -42 * S; // nanoTime values are arbitrary, even negative
  private static final Duration HOUR = Duration.ofHours(1);

  /** Seconds 0..n-1, each with {@code perSecond} requests of latency (second+1)·1000 µs. */
  private static LatencyStats steps(int slices, int seconds, int perSecond) {
    LatencyStats stats = new LatencyStats(slices, 2, T0);
    for (int s = 0; s < seconds; s++) {
      for (int i = 0; i < perSecond; i++) {
        stats.record((s + 1) * 1_000L, i == 0);
      }
      stats.tick(T0 + (s + 1) * S);
    }
    return stats;
  }

  @ParameterizedTest(name = "p{0} of 1..10000 µs ≈ {1}")
  @CsvSource({"50, 5000", "90, 9000", "99, 9900", "99.9, 9990", "100, 10000"})
  void percentilesOfKnownData(double percentile, long expected) {
    LatencyStats stats = new LatencyStats(T0);
    for (long v = 1; v <= 10_000; v++) {
      stats.record(v, false);
    }
    stats.tick(T0 + S);
    Histogram h = stats.histogram(HOUR, T0 + S);
    // Two significant digits: within 1%.
    assertThat((double) h.getValueAtPercentile(percentile))
        .isCloseTo(expected, within(expected * 0.01));
    WindowSnapshot w = stats.window(HOUR, T0 + S);
    long value =
        switch (String.valueOf(percentile)) {
          case "50.0" -> w.p50();
          case "90.0" -> w.p90();
          case "99.0" -> w.p99();
          case "99.9" -> w.p999();
          default -> w.max();
        };
    assertThat((double) value).isCloseTo(expected, within(expected * 0.01));
  }

  @Test
  void snapshotCountsErrorsAndRate() {
    LatencyStats stats = new LatencyStats(T0);
    for (int i = 0; i < 200; i++) {
      stats.record(1_000, i % 10 == 0);
    }
    stats.tick(T0 + 2 * S);
    WindowSnapshot w = stats.window(Duration.ofSeconds(10), T0 + 2 * S);
    assertThat(w.count()).isEqualTo(200);
    assertThat(w.errors()).isEqualTo(20);
    assertThat(w.errorRate()).isEqualTo(0.1);
    assertThat(w.rps()).isEqualTo(100.0); // 200 over the 2 s the slice covered
    assertThat(stats.totalCount()).isEqualTo(200);
    assertThat(stats.totalErrors()).isEqualTo(20);
  }

  @Test
  void emptyWindowIsAllZero() {
    LatencyStats stats = new LatencyStats(T0);
    assertThat(stats.window(Duration.ofSeconds(10), T0 + S)).isEqualTo(WindowSnapshot.EMPTY);
  }

  @ParameterizedTest(name = "window {0} s at {1} s after start → count {2}, max {3} µs")
  @CsvSource({
    // 5 slices: second k (0-based) holds 10 requests of (k+1) ms; ticks at 1..5 s.
    " 1, 5.0, 10, 5000", // the last slice only (ended at 5 s, after 4 s)
    " 3, 5.0, 30, 5000", // slices ending at 3, 4, 5 s
    " 3, 5.5, 30, 5000", // half a second later: still whole slices ending after 2.5 s
    " 5, 5.0, 50, 5000",
    "60, 5.0, 50, 5000",
    " 3, 7.0, 10, 5000", // two idle seconds later: only the slice ending at 5 s is left
    " 1, 7.0,  0,    0",
  })
  void windowsMergeWholeSlices(int windowSeconds, double atSeconds, long count, long max) {
    LatencyStats stats = steps(300, 5, 10);
    long now = T0 + (long) (atSeconds * S);
    WindowSnapshot w = stats.window(Duration.ofSeconds(windowSeconds), now);
    assertThat(w.count()).isEqualTo(count);
    assertThat(w.max()).isCloseTo(max, within(max / 100 + 1));
  }

  @Test
  void windowIncludesTheUnfinishedSliceAndRateUsesCoveredTime() {
    LatencyStats stats = steps(300, 3, 10); // ticks at 1, 2, 3 s
    for (int i = 0; i < 5; i++) {
      stats.record(100_000, true);
    }
    WindowSnapshot w = stats.window(Duration.ofSeconds(2), T0 + 3 * S + S / 2);
    // Slices ending at 2 and 3 s (covering 1..3 s) + 5 in the unfinished one, over 2.5 s.
    assertThat(w.count()).isEqualTo(25);
    assertThat(w.errors()).isEqualTo(5 + 1 + 1);
    assertThat(w.rps()).isCloseTo(10.0, within(1e-9));
    assertThat(w.max()).isCloseTo(100_000, within(1_000L));
    // Asking does not lose anything: the unfinished values land in the next slice.
    stats.tick(T0 + 4 * S);
    assertThat(stats.window(Duration.ofSeconds(1), T0 + 4 * S).count()).isEqualTo(5);
  }

  @Test
  void rotationDropsTheOldestSlices() {
    LatencyStats stats = steps(3, 6, 10); // ring of 3: seconds 3, 4, 5 survive
    WindowSnapshot w = stats.window(HOUR, T0 + 6 * S);
    assertThat(w.count()).isEqualTo(30);
    Histogram h = stats.histogram(HOUR, T0 + 6 * S);
    assertThat(h.getMinValue()).isEqualTo(h.lowestEquivalentValue(4_000));
    assertThat(w.max()).isCloseTo(6_000, within(60L));
    assertThat(stats.totalCount()).isEqualTo(60);
  }

  @Test
  void histogramIsAnIndependentCopy() {
    LatencyStats stats = steps(300, 2, 10);
    Histogram copy = stats.histogram(HOUR, T0 + 2 * S);
    copy.recordValue(5);
    copy.reset();
    assertThat(stats.histogram(HOUR, T0 + 2 * S).getTotalCount()).isEqualTo(20);
  }

  @Test
  void outOfRangeLatenciesAreClamped() {
    LatencyStats stats = new LatencyStats(T0);
    stats.record(-5, false);
    stats.record(Long.MAX_VALUE, false);
    WindowSnapshot w = stats.window(HOUR, T0 + S);
    assertThat(w.count()).isEqualTo(2);
    assertThat(w.p50()).isZero();
    assertThat(w.max()).isGreaterThanOrEqualTo(LatencyStats.HIGHEST_TRACKABLE_MICROS);
  }

  @Test
  void manyWritersLoseNothing() throws Exception {
    LatencyStats stats = new LatencyStats(T0);
    int threads = 4;
    int perThread = 50_000;
    Concurrently.run(
        threads,
        () -> {
          for (int i = 0; i < perThread; i++) {
            stats.record(1 + i % 5_000, i % 100 == 0);
          }
        },
        // the owner ticks while writers record
        () -> {
          for (int k = 1; k <= 20; k++) {
            stats.tick(T0 + k * S);
            try {
              Thread.sleep(1);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    WindowSnapshot w = stats.window(HOUR, T0 + 21 * S);
    assertThat(w.count()).isEqualTo((long) threads * perThread);
    assertThat(w.errors()).isEqualTo((long) threads * perThread / 100);
  }

  @Test
  void validatesNamingTheField() {
    assertThatThrownBy(() -> new LatencyStats(0, 2, T0)).hasMessageStartingWith("slices:");
    assertThatThrownBy(() -> new LatencyStats(10, 4, T0))
        .hasMessageStartingWith("significantDigits:");
    LatencyStats stats = new LatencyStats(T0);
    assertThatThrownBy(() -> stats.window(Duration.ofSeconds(-1), T0))
        .hasMessageStartingWith("window:");
  }
}
