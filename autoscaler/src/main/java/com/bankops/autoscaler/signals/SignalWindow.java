package com.bankops.autoscaler.signals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Objects;

/**
 * Timestamped samples of one signal, averaged over trailing windows. The caller supplies every time
 * (no clock inside), so the same samples always give the same averages.
 *
 * <pre>
 *   samples:   t=1 4.0   t=2 6.0   t=3 8.0   t=4 10.0
 *   average(now=4, window=2s) = (8 + 10) / 2 = 9.0     window is (now - 2s, now]
 * </pre>
 *
 * Samples older than {@code retention} before the newest are dropped. Not thread-safe: one loop
 * owns it.
 */
public final class SignalWindow {

  private final Duration retention;
  private final Deque<Sample> samples = new ArrayDeque<>();

  public SignalWindow(Duration retention) {
    Objects.requireNonNull(retention, "retention");
    if (retention.isZero() || retention.isNegative()) {
      throw new IllegalArgumentException("retention: " + retention + " (expected: > 0)");
    }
    this.retention = retention;
  }

  /**
   * Adds a sample. Times must not go backwards; a sample at the same time as the newest replaces
   * it.
   */
  public void add(Instant at, double value) {
    Objects.requireNonNull(at, "at");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value: " + value + " (expected: finite)");
    }
    Sample newest = samples.peekLast();
    if (newest != null && at.isBefore(newest.at())) {
      throw new IllegalArgumentException(
          "at: " + at + " (expected: not before the newest sample " + newest.at() + ")");
    }
    if (newest != null && at.equals(newest.at())) {
      samples.pollLast();
    }
    samples.addLast(new Sample(at, value));
    Instant oldestKept = at.minus(retention);
    while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(oldestKept)) {
      samples.pollFirst();
    }
  }

  /** The mean of the samples in {@code (now - window, now]}, with how many there were. */
  public WindowAverage average(Instant now, Duration window) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(window, "window");
    Instant from = now.minus(window);
    double sum = 0;
    int count = 0;
    Instant newest = Instant.EPOCH;
    for (Iterator<Sample> it = samples.descendingIterator(); it.hasNext(); ) {
      Sample s = it.next();
      if (s.at().isAfter(now)) {
        continue;
      }
      if (!s.at().isAfter(from)) {
        break;
      }
      if (count == 0) {
        newest = s.at();
      }
      sum += s.value();
      count++;
    }
    return count == 0 ? WindowAverage.EMPTY : new WindowAverage(sum / count, count, newest);
  }

  /** The newest sample's time, or {@link Instant#EPOCH} when empty. */
  public Instant newest() {
    Sample s = samples.peekLast();
    return s == null ? Instant.EPOCH : s.at();
  }

  public int size() {
    return samples.size();
  }

  private record Sample(Instant at, double value) {}
}
