package com.bankops.balancer.proxy;

import com.bankops.balancer.routing.FailureKind;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
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
  RETRY_EXHAUSTED(502, "bad_gateway", "the backend failed and the request may not be retried"),
  // answered by the netty engine's own decoder (Vert.x's server answers these itself)
  BAD_REQUEST(400, "bad_request", "malformed HTTP request"),
  URI_TOO_LONG(414, "uri_too_long", "request line exceeds the limit"),
  HEADERS_TOO_LARGE(431, "headers_too_large", "request headers exceed the limit");

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

  private String body(String requestId) {
    return new JsonObject()
        .put("error", code)
        .put("status", status)
        .put("message", message)
        .put("requestId", requestId)
        .encode();
  }

  /** Whether the connection must close after this answer. */
  boolean closesConnection() {
    // the unread rest of the body (or of a request the decoder gave up on) would be taken for
    // the next request
    return this == BODY_TOO_LARGE
        || this == BAD_REQUEST
        || this == URI_TOO_LONG
        || this == HEADERS_TOO_LARGE;
  }

  /** The answer as a whole Netty response, for the netty engine. */
  io.netty.handler.codec.http.FullHttpResponse toNetty(String requestId, boolean close) {
    byte[] bytes = body(requestId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var r =
        new io.netty.handler.codec.http.DefaultFullHttpResponse(
            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            io.netty.buffer.Unpooled.wrappedBuffer(bytes));
    var h = r.headers();
    h.set(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE, "application/json");
    h.setInt(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    h.set(Exchange.X_REQUEST_ID, requestId);
    if (status == 503) {
      h.set(io.netty.handler.codec.http.HttpHeaderNames.RETRY_AFTER, "1");
    }
    if (close || closesConnection()) {
      h.set(
          io.netty.handler.codec.http.HttpHeaderNames.CONNECTION,
          io.netty.handler.codec.http.HttpHeaderValues.CLOSE);
    }
    return r;
  }

  void reply(HttpServerResponse response, String requestId) {
    if (response.headWritten() || response.closed()) {
      return;
    }
    String body = body(requestId);
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
