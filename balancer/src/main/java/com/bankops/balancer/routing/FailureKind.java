package com.bankops.balancer.routing;

import java.util.Optional;

/** How a forwarded request failed, as far as the retry decision cares. */
public enum FailureKind {
  /** The connection to the backend could not be made: the request never left. */
  CONNECT_FAILED,
  /** The connection was reset after the request was (maybe) sent. */
  RESET,
  STATUS_502,
  STATUS_503,
  STATUS_504,
  /**
   * Any other 5xx answer (500, 501, ...). Never retried within a pool; only a failed canary attempt
   * falls back to stable on it ({@link RetryPolicy#decideCanaryFallback}).
   */
  STATUS_5XX,
  /** The balancer gave up waiting; the backend may still act on the request. */
  TIMEOUT;

  /** The kind of any 5xx status (gateway statuses by name, the rest {@link #STATUS_5XX}). */
  public static Optional<FailureKind> ofServerError(int status) {
    if (status < 500 || status > 599) {
      return Optional.empty();
    }
    return Optional.of(ofStatus(status).orElse(STATUS_5XX));
  }

  /** The kind of a backend status, if it is one of the retryable gateway statuses. */
  public static Optional<FailureKind> ofStatus(int status) {
    switch (status) {
      case 502:
        return Optional.of(STATUS_502);
      case 503:
        return Optional.of(STATUS_503);
      case 504:
        return Optional.of(STATUS_504);
      default:
        return Optional.empty();
    }
  }
}
