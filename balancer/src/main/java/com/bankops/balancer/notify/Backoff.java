package com.bankops.balancer.notify;

import com.bankops.balancer.config.NotificationsConfig;

/**
 * Whether and when to try a failed delivery again: pure, the caller passes the age and a random
 * number. With initial 500 ms, multiplier 2, max 30 s, jitter 0.5 the waits after failures 1, 2, 3,
 * ... are drawn from [250, 500], [500, 1000], [1000, 2000], ... ms, capped at [15, 30] s. Jitter
 * only shortens a wait, so {@code maxDelayMs} stays a true bound, and receivers that failed
 * together do not all retry at the same instant.
 */
record Backoff(
    int maxAttempts,
    long initialDelayNanos,
    long maxDelayNanos,
    double multiplier,
    double jitter,
    long maxAgeNanos) {

  private static final long MS = 1_000_000L;

  static Backoff of(NotificationsConfig.Retry r) {
    return new Backoff(
        r.maxAttempts(),
        r.initialDelayMs() * MS,
        r.maxDelayMs() * MS,
        r.multiplier(),
        r.jitter(),
        r.maxAgeMs() * MS);
  }

  /** What to do after a failed attempt. */
  record Decision(boolean retry, long delayNanos, String reason) {
    static Decision giveUp(String reason) {
      return new Decision(false, 0, reason);
    }
  }

  /**
   * @param attemptsMade attempts so far, the failed one included (≥ 1)
   * @param ageNanos time since the notification was published
   * @param retryable false for answers that will not change (e.g. HTTP 400, 404)
   * @param random uniform in [0, 1)
   */
  Decision afterFailure(int attemptsMade, long ageNanos, boolean retryable, double random) {
    if (!retryable) {
      return Decision.giveUp("not retryable");
    }
    if (attemptsMade >= maxAttempts) {
      return Decision.giveUp("max attempts (" + maxAttempts + ") reached");
    }
    long delay = delayNanos(attemptsMade, random);
    if (ageNanos + delay > maxAgeNanos) {
      return Decision.giveUp("max age (" + maxAgeNanos / MS + " ms) reached");
    }
    return new Decision(
        true,
        delay,
        "attempt " + (attemptsMade + 1) + " of " + maxAttempts + " in " + delay / MS + " ms");
  }

  /**
   * The wait after {@code failures} failures, before jitter: initial × multiplier^(n-1), capped.
   */
  long baseDelayNanos(int failures) {
    double d = initialDelayNanos * Math.pow(multiplier, Math.max(0, failures - 1));
    return d >= maxDelayNanos ? maxDelayNanos : (long) d;
  }

  long delayNanos(int failures, double random) {
    long base = baseDelayNanos(failures);
    return base - (long) (base * jitter * random);
  }
}
