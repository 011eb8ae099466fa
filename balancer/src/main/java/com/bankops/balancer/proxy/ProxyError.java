package com.bankops.balancer.proxy;

import com.bankops.balancer.routing.FailureKind;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where failures become statuses. Every error the proxy answers itself is a small
 * JSON body: {@code {"error": "bad_gateway", "message": "...", "requestId": "..."}}.
 */
enum ProxyError {
  NO_BACKEND(503, "no_backend", "no healthy backend in the pool"),
  OVERLOADED(503, "overloaded", "upstream connection queue is full, retry later"),
  TIMEOUT(504, "upstream_timeout", "the backend did not answer in time"),
  BAD_GATEWAY(502, "bad_gateway", "the backend failed or closed the connection"),
  BODY_TOO_LARGE(413, "body_too_large", "request body exceeds the limit"),
  RETRY_EXHAUSTED(502, "bad_gateway", "the backend failed and the request may not be retried");

  final int status;
  final String code;
  final String message;

  ProxyError(int status, String code, String message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  /** Classifies a failure of an upstream attempt for the retry policy. */
  static FailureKind classify(Throwable t) {
    if (t instanceof ConnectException || t instanceof ConnectTimeoutException) {
      return FailureKind.CONNECT_FAILED;
    }
    if (t instanceof TimeoutException) {
      return FailureKind.TIMEOUT;
    }
    if (t instanceof HttpClosedException || t instanceof StreamResetException) {
      return FailureKind.RESET;
    }
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      return classify(cause);
    }
    return FailureKind.RESET;
  }

  static boolean isOverload(Throwable t) {
    return t instanceof ConnectionPoolTooBusyException;
  }

  static ProxyError forFailure(FailureKind kind) {
    return switch (kind) {
      case TIMEOUT -> TIMEOUT;
      case CONNECT_FAILED, RESET -> BAD_GATEWAY;
      case STATUS_502, STATUS_503, STATUS_504, STATUS_5XX -> BAD_GATEWAY;
    };
  }

  void reply(HttpServerResponse response, String requestId) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    String body =
        new JsonObject()
            .put("error", code)
            .put("status", status)
            .put("message", message)
            .put("requestId", requestId)
            .encode();
    response.setStatusCode(status).putHeader("content-type", "application/json");
    response.putHeader("x-request-id", requestId);
    if (status == 503) {
      response.putHeader("retry-after", "1");
    }
    if (this == BODY_TOO_LARGE) {
      // the unread rest of the body would be taken for the next request
      response.putHeader("connection", "close");
    }
    response.end(body);
  }
}
