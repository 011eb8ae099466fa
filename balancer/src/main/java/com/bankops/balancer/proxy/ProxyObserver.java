package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.PoolName;

/**
 * Told about every upstream attempt and every finished exchange. Implementations record latency
 * histograms, outlier detection, metrics and the access log; they run on the event loop and must
 * not block.
 */
public interface ProxyObserver {
  ProxyObserver NONE = new ProxyObserver() {};

  /** How one attempt against one backend ended. */
  enum Outcome {
    /** A response was forwarded (any status below 500, or a 5xx that was passed on). */
    RESPONDED,
    /** A 5xx answer, passed on or retried. */
    SERVER_ERROR,
    CONNECT_FAILED,
    RESET,
    TIMEOUT;

    public boolean isFailure() {
      return this != RESPONDED;
    }
  }

  /** One attempt ended; {@code status} is 0 when no response head arrived. */
  default void attemptEnded(Member member, long latencyNanos, int status, Outcome outcome) {}

  /**
   * A request whose attempt on the canary backend {@code canary} failed is being resent to the
   * stable pool (the canary shield). The failed attempt is reported to {@link #attemptEnded} as
   * usual, as the canary's own failure.
   */
  default void canaryFellBack(Member canary) {}

  /** The exchange with the client ended. */
  default void exchangeEnded(ExchangeRecord record) {}

  /**
   * One line of the access log. {@code backend} is "-" when no backend was tried. Read it during
   * {@link #exchangeEnded} only: the exchange itself implements it, so that no record is allocated
   * per request.
   */
  interface ExchangeRecord {
    String requestId();

    String method();

    String uri();

    PoolName pool();

    String backend();

    /** The version of the backend that answered last, "-" when no backend was tried. */
    String version();

    int status();

    int attempts();

    long latencyNanos();

    long bytesOut();
  }
}
