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
 * </pre>
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
}
