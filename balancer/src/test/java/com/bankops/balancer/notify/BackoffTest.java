package com.bankops.balancer.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  private static final long MS = 1_000_000L;

  // 6 attempts, 500 ms doubling to at most 30 s, jitter up to half, give up after 5 minutes
  private static final Backoff DEFAULTS =
      new Backoff(6, 500 * MS, 30_000 * MS, 2.0, 0.5, 300_000 * MS);

  @ParameterizedTest(name = "after {0} failures, age {1} ms, retryable {2}, random {3}")
  @CsvSource({
    // failures, ageMs, retryable, random, retry?, delayMs, reason starts with
    "1,      0, true,  0.0,   true,    500, attempt 2 of 6",
    "1,      0, true,  0.999, true,    250, attempt 2 of 6",
    "2,    500, true,  0.0,   true,   1000, attempt 3 of 6",
    "3,   1500, true,  0.5,   true,   1500, attempt 4 of 6",
    "5,   7500, true,  0.0,   true,   8000, attempt 6 of 6",
    "6,  15500, true,  0.0,   false,     0, max attempts (6) reached",
    "1,      0, false, 0.0,   false,     0, not retryable",
    "2, 299400, true,  0.0,   false,     0, max age (300000 ms) reached",
    "2, 299400, true,  0.999, true,    500, attempt 3 of 6",
  })
  void decidesFromAttemptsAgeAndRetryability(
      int failures,
      long ageMs,
      boolean retryable,
      double random,
      boolean retry,
      long delayMs,
      String reason) {
    Backoff.Decision d = DEFAULTS.afterFailure(failures, ageMs * MS, retryable, random);

    assertThat(d.retry()).isEqualTo(retry);
    assertThat(d.delayNanos() / MS).isEqualTo(delayMs);
    assertThat(d.reason()).startsWith(reason);
  }

  @Test
  void delayGrowsByTheMultiplierAndStopsAtTheCap() {
    Backoff b = new Backoff(100, 500 * MS, 30_000 * MS, 2.0, 0.0, Long.MAX_VALUE);

    List<Long> delays = new ArrayList<>();
    for (int failures = 1; failures <= 9; failures++) {
      delays.add(b.baseDelayNanos(failures) / MS);
    }

    assertThat(delays)
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
  }

  @Test
  void jitterOnlyShortensAndStaysWithinItsShare() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      int failures = 1 + random.nextInt(12);
      long d = DEFAULTS.delayNanos(failures, random.nextDouble());
      long base = DEFAULTS.baseDelayNanos(failures);
      assertThat(d).isBetween(base / 2, base);
    }
  }

  /** Drives a receiver that always fails along a fake clock until the backoff gives up. */
  @Test
  void aReceiverThatAlwaysFailsIsTriedOnATimelineUntilMaxAge() {
    Backoff b = new Backoff(100, 1000 * MS, 8000 * MS, 2.0, 0.0, 20_000 * MS);
    AtomicLong clock = new AtomicLong(0);
    List<Long> attemptsAtMs = new ArrayList<>();
    Backoff.Decision d;
    int attempts = 0;
    do {
      attemptsAtMs.add(clock.get() / MS);
      attempts++;
      d = b.afterFailure(attempts, clock.get(), true, 0.0);
      clock.addAndGet(d.delayNanos());
    } while (d.retry());

    // waits 1, 2, 4, 8, then 8 s would start at 23 s > 20 s: give up
    assertThat(attemptsAtMs).containsExactly(0L, 1000L, 3000L, 7000L, 15000L);
    assertThat(d.reason()).isEqualTo("max age (20000 ms) reached");
  }

  @Test
  void twoFailuresThenSuccessNeedsThreeAttemptsWithGrowingWaits() {
    AtomicLong clock = new AtomicLong(0);
    Backoff.Decision first = DEFAULTS.afterFailure(1, clock.get(), true, 0.2);
    clock.addAndGet(first.delayNanos());
    Backoff.Decision second = DEFAULTS.afterFailure(2, clock.get(), true, 0.2);

    assertThat(first.retry()).isTrue();
    assertThat(second.retry()).isTrue();
    assertThat(first.delayNanos() / MS).isEqualTo(450); // 500 less 0.5 × 0.2 of it
    assertThat(second.delayNanos() / MS).isEqualTo(900);
  }
}
