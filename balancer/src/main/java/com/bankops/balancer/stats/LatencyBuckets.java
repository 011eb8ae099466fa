package com.bankops.balancer.stats;

import java.util.Arrays;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A latency histogram folded into fixed, logarithmic buckets, so that two pools (stable and canary)
 * are drawn side by side on the same bars whatever their own histogram layouts.
 *
 * <pre>
 * upper bounds (µs): 25, 35, 50, 71, 100, 141, ... ×√2 each ... , 60 s   (43 buckets)
 * a recorded value v lands in the first bucket whose bound is ≥ v
 * </pre>
 *
 * <p>Counts are exact per HdrHistogram bucket: each recorded value (its bucket's highest equivalent
 * value) is placed whole. Pure: no clock, no I/O.
 */
public final class LatencyBuckets {
  /** Upper bounds in microseconds, ascending, the last one the highest trackable value. */
  public static final long[] UPPER_BOUNDS_MICROS = bounds(25, Math.sqrt(2));

  private LatencyBuckets() {}

  /** Counts per bucket of {@link #UPPER_BOUNDS_MICROS}. */
  public static long[] counts(AbstractHistogram histogram) {
    long[] counts = new long[UPPER_BOUNDS_MICROS.length];
    for (HistogramIterationValue v : histogram.recordedValues()) {
      long value = histogram.highestEquivalentValue(v.getValueIteratedTo());
      counts[indexOf(value)] += v.getCountAtValueIteratedTo();
    }
    return counts;
  }

  /** The bucket a value in microseconds falls in; values above the last bound go to the last. */
  public static int indexOf(long micros) {
    int i = Arrays.binarySearch(UPPER_BOUNDS_MICROS, micros);
    int index = i >= 0 ? i : -i - 1;
    return Math.min(index, UPPER_BOUNDS_MICROS.length - 1);
  }

  private static long[] bounds(long first, double factor) {
    long[] out = new long[64];
    int n = 0;
    double b = first;
    while (Math.round(b) < LatencyStats.HIGHEST_TRACKABLE_MICROS) {
      out[n++] = Math.round(b);
      b *= factor;
    }
    out[n++] = LatencyStats.HIGHEST_TRACKABLE_MICROS;
    return Arrays.copyOf(out, n);
  }
}
