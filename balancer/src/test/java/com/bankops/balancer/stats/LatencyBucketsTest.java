package com.bankops.balancer.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencyBucketsTest {
  @Test
  void boundsGrowByRootTwoFrom25MicrosTo60Seconds() {
    long[] b = LatencyBuckets.UPPER_BOUNDS_MICROS;
    assertThat(b[0]).isEqualTo(25);
    assertThat(b[b.length - 1]).isEqualTo(LatencyStats.HIGHEST_TRACKABLE_MICROS);
    for (int i = 1; i < b.length - 1; i++) {
      assertThat((double) b[i] / b[i - 1]).isCloseTo(Math.sqrt(2), within(0.03));
    }
    assertThat(b).isSorted().doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0} µs → bucket {1} (≤ {2} µs)")
  @CsvSource({
    "0, 0, 25",
    "25, 0, 25",
    "26, 1, 35",
    "1000, 11, 1131",
    "1131, 11, 1131",
    "1132, 12, 1600",
    "60000000, 43, 60000000",
    "99000000, 43, 60000000"
  })
  void valuesLandInTheFirstBucketWhoseBoundHoldsThem(long micros, int index, long bound) {
    assertThat(LatencyBuckets.indexOf(micros)).isEqualTo(index);
    assertThat(LatencyBuckets.UPPER_BOUNDS_MICROS[index]).isEqualTo(bound);
  }

  @Test
  void countsKeepEveryRecordedValueInItsBucket() {
    Histogram h = new Histogram(1, LatencyStats.HIGHEST_TRACKABLE_MICROS, 2);
    h.recordValueWithCount(100, 7); // bucket ≤ 100
    h.recordValueWithCount(5_000, 3); // ≤ 6400
    h.recordValue(2_000_000); // ≤ 2097152
    long[] counts = LatencyBuckets.counts(h);

    assertThat(Arrays.stream(counts).sum()).isEqualTo(11);
    assertThat(counts[LatencyBuckets.indexOf(100)]).isEqualTo(7);
    assertThat(counts[LatencyBuckets.indexOf(5_000)]).isEqualTo(3);
    assertThat(counts[LatencyBuckets.indexOf(2_000_000)]).isEqualTo(1);
  }

  @Test
  void emptyHistogramHasNoCounts() {
    Histogram h = new Histogram(1, LatencyStats.HIGHEST_TRACKABLE_MICROS, 2);
    assertThat(LatencyBuckets.counts(h)).containsOnly(0L);
  }
}
