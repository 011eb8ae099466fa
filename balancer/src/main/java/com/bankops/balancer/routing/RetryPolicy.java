package com.bankops.balancer.routing;

import java.util.Objects;
import java.util.Set;

/**
 * Whether a failed attempt may be retried on another backend. Pure; the retry budget is checked
 * separately ({@link RetryBudget}).
 *
 * <pre>
 * response bytes already sent to the client → never (the client has a partial answer)
 * TIMEOUT                                   → never (a timed-out POST may have moved money; 504)
 * CONNECT_FAILED                            → any method (the request never reached a backend)
 * RESET, 502, 503, 504                      → idempotent methods, or with an Idempotency-Key
 * any other 5xx (500, ...)                  → never (a backend's own error: another is no better)
 * </pre>
 *
 * <p>The canary shield ({@link #decideCanaryFallback}): a failed attempt on a canary backend is
 * resent once to the stable pool under the same rules, except that any 5xx (500 included) counts,
 * so a faulty canary's errors reach few clients while the analysis still sees every one of them.
 */
public final class RetryPolicy {

  /** RFC 9110 idempotent methods. Method names are case-sensitive. */
  public static final Set<String> IDEMPOTENT_METHODS =
      Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

  /** A decision with its reason, for the access log. */
  public record Decision(boolean retry, String reason) {}

  private RetryPolicy() {}

  public static boolean mayRetry(
      String method, boolean hasIdempotencyKey, FailureKind kind, boolean responseBytesSent) {
    return decide(method, hasIdempotencyKey, kind, responseBytesSent).retry();
  }

  public static Decision decide(
      String method, boolean hasIdempotencyKey, FailureKind kind, boolean responseBytesSent) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(kind, "kind");
    if (responseBytesSent) {
      return new Decision(false, "response_started");
    }
    switch (kind) {
      case TIMEOUT:
        return new Decision(false, "timeout");
      case STATUS_5XX:
        return new Decision(false, "server_error");
      case CONNECT_FAILED:
        return new Decision(true, "connect_failed");
      default:
        if (IDEMPOTENT_METHODS.contains(method)) {
          return new Decision(true, "idempotent_method");
        }
        if (hasIdempotencyKey) {
          return new Decision(true, "idempotency_key");
        }
        return new Decision(false, "not_idempotent");
    }
  }

  /**
   * Whether a failed attempt on a canary backend may be resent once to the stable pool.
   *
   * <pre>
   * shield off (routing.canaryFallback: false) → never
   * response bytes already sent                → never
   * TIMEOUT                                    → never (a slow canary may still act; 504)
   * CONNECT_FAILED                             → any method
   * RESET, any 5xx (500 included)              → idempotent methods, or with an Idempotency-Key
   * </pre>
   *
   * <p>Why a 500 is safe to resend here but not in general: an idempotent method has no effect
   * worth guarding, and the bank commits a keyed request's effect and its stored answer in one
   * transaction (bank-demo {@code PgBankStore#idempotent}); a 500 means that transaction rolled
   * back (or the request was failed before any database work, as injected faults are), so nothing
   * moved — and were it committed after all, the resent key replays the stored answer instead of
   * moving money twice. A POST without a key carries no such guarantee and is never resent.
   */
  public static Decision decideCanaryFallback(
      boolean shieldEnabled,
      String method,
      boolean hasIdempotencyKey,
      FailureKind kind,
      boolean responseBytesSent) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(kind, "kind");
    if (!shieldEnabled) {
      return new Decision(false, "shield_disabled");
    }
    if (kind == FailureKind.STATUS_5XX) {
      // same rules as a gateway status: only the idempotency of the request decides
      return decide(method, hasIdempotencyKey, FailureKind.STATUS_502, responseBytesSent);
    }
    return decide(method, hasIdempotencyKey, kind, responseBytesSent);
  }
}
