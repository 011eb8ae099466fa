package com.bankops.balancer.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Caps retries to a share of recent traffic (Envoy retry budgets, Finagle's RetryBudget), so that
 * retries cannot multiply load on a struggling pool. A retry is allowed while
 *
 * <pre>
 * retries in window + 1 ≤ ratio × requests in window + minRetriesPerSecond × window seconds
 * </pre>
 *
 * The window slides by whole seconds over a ring of one-second slots (default 10 slots, ratio 0.2,
 * 3 retries per second of reserve for low traffic).
 *
 * <p>Lock-free: atomic counters per slot. A slot is reset by whichever thread first enters a new
 * second; an increment racing with that reset may be lost, and two threads may both take the last
 * retry. Both err by one at most, which a budget tolerates.
 */
public final class RetryBudget {
  public static final double DEFAULT_RATIO = 0.2;
  public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 3;
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  private static final long SECOND = 1_000_000_000L;

  private final double ratio;
  private final int minRetriesPerSecond;
  private final int slots;
  private final LongSupplier nanoClock;
  private final AtomicLongArray seconds;
  private final AtomicLongArray requests;
  private final AtomicLongArray retries;

  /** With the defaults. */
  public RetryBudget(LongSupplier nanoClock) {
    this(DEFAULT_RATIO, DEFAULT_MIN_RETRIES_PER_SECOND, DEFAULT_WINDOW, nanoClock);
  }

  public RetryBudget(
      double ratio, int minRetriesPerSecond, Duration window, LongSupplier nanoClock) {
    Objects.requireNonNull(window, "window");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (!(ratio >= 0 && ratio <= 10)) {
      throw new IllegalArgumentException("ratio: " + ratio + " (expected: 0..10)");
    }
    if (minRetriesPerSecond < 0) {
      throw new IllegalArgumentException(
          "minRetriesPerSecond: " + minRetriesPerSecond + " (expected: >= 0)");
    }
    if (window.toSeconds() < 1 || window.toSeconds() > 3600 || window.toNanosPart() != 0) {
      throw new IllegalArgumentException(
          "window: " + window + " (expected: whole seconds, 1..3600)");
    }
    this.ratio = ratio;
    this.minRetriesPerSecond = minRetriesPerSecond;
    this.slots = (int) window.toSeconds();
    this.seconds = new AtomicLongArray(slots);
    this.requests = new AtomicLongArray(slots);
    this.retries = new AtomicLongArray(slots);
    for (int i = 0; i < slots; i++) {
      seconds.set(i, Long.MIN_VALUE);
    }
  }

  /** Counts one client request. Call once per request, not per attempt. */
  public void onRequest() {
    requests.incrementAndGet(slot(currentSecond()));
  }

  /** Takes one retry from the budget if there is one left. */
  public boolean tryAcquireRetry() {
    long now = currentSecond();
    int slot = slot(now);
    if (retriesInWindow(now) + 1 > allowed(requestsInWindow(now))) {
      return false;
    }
    retries.incrementAndGet(slot);
    return true;
  }

  /** Client requests counted in the current window. */
  public long requestsInWindow() {
    return requestsInWindow(currentSecond());
  }

  /** Retries granted in the current window. */
  public long retriesInWindow() {
    return retriesInWindow(currentSecond());
  }

  private double allowed(long requestCount) {
    return ratio * requestCount + (double) minRetriesPerSecond * slots;
  }

  private long requestsInWindow(long now) {
    return sum(requests, now);
  }

  private long retriesInWindow(long now) {
    return sum(retries, now);
  }

  private long sum(AtomicLongArray counts, long now) {
    long total = 0;
    for (int i = 0; i < slots; i++) {
      long s = seconds.get(i);
      if (s <= now && s > now - slots) {
        total += counts.get(i);
      }
    }
    return total;
  }

  private long currentSecond() {
    return Math.floorDiv(nanoClock.getAsLong(), SECOND);
  }

  private int slot(long second) {
    int i = (int) Math.floorMod(second, (long) slots);
    long s = seconds.get(i);
    if (s < second && seconds.compareAndSet(i, s, second)) {
      requests.set(i, 0);
      retries.set(i, 0);
    }
    return i;
  }
}
