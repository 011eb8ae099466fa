package com.bankops.balancer.stats;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.Recorder;

/**
 * Latency histograms of one backend or one pool in one-second slices, so that "p99 of the last 10
 * s" and "canary vs stable over the same window" are exact merges of whole slices.
 *
 * <pre>
 * record() ──► Recorder (multi-writer, lock-free) ──harvest──► pending slice ──tick()──► ring[head]
 *                                                               (unfinished)         (300 × 1 s)
 * window(10 s, now) = merge(slices ending after now − 10 s) + pending
 * </pre>
 *
 * <p>{@link #record} may be called from any thread. Everything else is for the owner (the control
 * plane) and synchronised on this object: {@link #tick} once per second, and the queries. No
 * threads, no clock inside: time comes in as arguments.
 *
 * <p>Memory: two significant digits over 1 µs..60 s is 2,560 buckets; slices keep 4-byte counts,
 * about 10 KB each, so the default 300 slices take about 3 MB per instance. Three digits would be
 * about seven times that.
 */
public final class LatencyStats {
  public static final long HIGHEST_TRACKABLE_MICROS = 60_000_000L;
  public static final int DEFAULT_SIGNIFICANT_DIGITS = 2;
  public static final int DEFAULT_SLICES = 300;

  private final Recorder recorder;
  private final LongAdder liveErrors = new LongAdder();
  private final LongAdder totalCount = new LongAdder();
  private final LongAdder totalErrors = new LongAdder();

  // Owner state, guarded by this.
  private final IntCountsHistogram[] slices;
  private final long[] sliceErrors;
  private final long[] sliceStart;
  private final long[] sliceEnd;
  private int head; // next slot to write
  private int filled;
  private IntCountsHistogram pending;
  private long pendingErrors;
  private long pendingStart;
  private Histogram recycled;
  private long coveredFrom; // start of the oldest slice the last merge took
  private final Histogram scratch;

  /** With 300 slices and two significant digits; the first slice starts at {@code nowNanos}. */
  public LatencyStats(long nowNanos) {
    this(DEFAULT_SLICES, DEFAULT_SIGNIFICANT_DIGITS, nowNanos);
  }

  public LatencyStats(int slices, int significantDigits, long nowNanos) {
    if (slices < 1 || slices > 86_400) {
      throw new IllegalArgumentException("slices: " + slices + " (expected: 1..86400)");
    }
    if (significantDigits < 1 || significantDigits > 3) {
      throw new IllegalArgumentException(
          "significantDigits: " + significantDigits + " (expected: 1..3)");
    }
    this.recorder = new Recorder(1, HIGHEST_TRACKABLE_MICROS, significantDigits);
    this.slices = new IntCountsHistogram[slices];
    for (int i = 0; i < slices; i++) {
      this.slices[i] = newSlice(significantDigits);
    }
    this.sliceErrors = new long[slices];
    this.sliceStart = new long[slices];
    this.sliceEnd = new long[slices];
    this.pending = newSlice(significantDigits);
    this.pendingStart = nowNanos;
    this.scratch = new Histogram(1, HIGHEST_TRACKABLE_MICROS, significantDigits);
  }

  /**
   * Records one request. Lock-free; latencies are clamped to 0..60 s.
   *
   * @param error whether the request counts as an error (the caller decides: 5xx, failure)
   */
  public void record(long latencyMicros, boolean error) {
    recorder.recordValue(Math.min(Math.max(latencyMicros, 0), HIGHEST_TRACKABLE_MICROS));
    totalCount.increment();
    if (error) {
      liveErrors.increment();
      totalErrors.increment();
    }
  }

  /**
   * Closes the current slice at {@code nowNanos} and starts the next; the oldest slice falls out
   * once the ring is full. Call once per second.
   */
  public synchronized void tick(long nowNanos) {
    harvest();
    IntCountsHistogram closed = pending;
    pending = slices[head];
    pending.reset();
    slices[head] = closed;
    sliceErrors[head] = pendingErrors;
    sliceStart[head] = pendingStart;
    sliceEnd[head] = nowNanos;
    head = (head + 1) % slices.length;
    filled = Math.min(filled + 1, slices.length);
    pendingErrors = 0;
    pendingStart = nowNanos;
  }

  /**
   * Figures over the slices that end after {@code nowNanos − window}, plus the unfinished current
   * slice. Whole slices: the covered time may exceed the window by up to one slice, and the rate is
   * computed over the time actually covered.
   */
  public synchronized WindowSnapshot window(Duration window, long nowNanos) {
    long errors = merge(window, nowNanos);
    return WindowSnapshot.of(scratch, errors, nowNanos - coveredFrom);
  }

  /** A copy of the merged histogram over a window, e.g. to compare canary and stable. */
  public synchronized Histogram histogram(Duration window, long nowNanos) {
    merge(window, nowNanos);
    return scratch.copy();
  }

  /** Requests recorded since creation. */
  public long totalCount() {
    return totalCount.sum();
  }

  /** Errors recorded since creation. */
  public long totalErrors() {
    return totalErrors.sum();
  }

  /** The number of slices the ring holds. */
  public int capacity() {
    return slices.length;
  }

  /** Merges the window into {@link #scratch} and returns its error count. */
  private long merge(Duration window, long nowNanos) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("window: " + window + " (expected: >= 0)");
    }
    harvest();
    long from = nowNanos - saturatedNanos(window);
    scratch.reset();
    scratch.add(pending);
    long errors = pendingErrors;
    coveredFrom = pendingStart;
    // Newest to oldest; stop at the first slice that ended before the window.
    for (int k = 1; k <= filled; k++) {
      int i = Math.floorMod(head - k, slices.length);
      if (sliceEnd[i] <= from) {
        break;
      }
      scratch.add(slices[i]);
      errors += sliceErrors[i];
      coveredFrom = sliceStart[i];
    }
    return errors;
  }

  private void harvest() {
    recycled = recorder.getIntervalHistogram(recycled);
    pending.add(recycled);
    pendingErrors += liveErrors.sumThenReset();
  }

  private static IntCountsHistogram newSlice(int digits) {
    return new IntCountsHistogram(1, HIGHEST_TRACKABLE_MICROS, digits);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }
}
