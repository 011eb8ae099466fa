package com.bankops.balancer.stats;

import org.HdrHistogram.AbstractHistogram;

/**
 * Latency and outcome figures over a window. Latencies in microseconds; percentiles are the
 * histogram's highest equivalent values (within its precision). All zero when nothing was recorded.
 *
 * @param rps requests per second over the time the window actually covered
 * @param errorRate errors ÷ count, 0 when count is 0
 */
public record WindowSnapshot(
    long count,
    long errors,
    double rps,
    double errorRate,
    long p50,
    long p90,
    long p99,
    long p999,
    long max) {

  public static final WindowSnapshot EMPTY = new WindowSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The figures of a histogram, its error count and the nanoseconds it covered. */
  public static WindowSnapshot of(AbstractHistogram histogram, long errors, long coveredNanos) {
    long count = histogram.getTotalCount();
    double rps = coveredNanos > 0 ? count * 1e9 / coveredNanos : 0;
    if (count == 0) {
      return new WindowSnapshot(0, errors, rps, 0, 0, 0, 0, 0, 0);
    }
    return new WindowSnapshot(
        count,
        errors,
        rps,
        // Errors are counted apart from the histogram; near a slice boundary they can run one
        // slice ahead of it.
        Math.min(1.0, (double) errors / count),
        histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(90),
        histogram.getValueAtPercentile(99),
        histogram.getValueAtPercentile(99.9),
        histogram.getMaxValue());
  }
}
