package com.bankops.balancer.notify;

import io.vertx.core.Future;

/** One place notifications go. Methods are called on the notifier's Vert.x context. */
interface Receiver {

  /** The {@code receiver} label of the metrics. */
  String name();

  /** One attempt; fails with a {@link DeliveryException} saying whether another may help. */
  Future<Void> send(Notification n);

  Future<Void> close();

  /** A failed attempt; {@code retryable} false when trying again cannot help (HTTP 400, 404). */
  final class DeliveryException extends RuntimeException {
    private final boolean retryable;

    DeliveryException(String message, boolean retryable) {
      super(message, null, false, false);
      this.retryable = retryable;
    }

    boolean retryable() {
      return retryable;
    }

    static boolean isRetryable(Throwable t) {
      return !(t instanceof DeliveryException d) || d.retryable;
    }
  }
}
