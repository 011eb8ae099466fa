package com.bankops.bank.api;

import com.bankops.bank.domain.BankException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: a status and a small JSON body {@code {"error",
 * "field"?, "message"}}. Refusals name the field (or header) at fault.
 */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  /** A status and the JSON body that explains it. */
  public record ErrorReply(int status, JsonObject body) {}

  /** Maps a failure thrown or returned anywhere in request handling. */
  public ErrorReply map(Throwable failure) {
    if (failure instanceof BankException) {
      BankException e = (BankException) failure;
      return reply(statusOf(e), e.problem().code(), e.field(), e.getMessage());
    }
    if (failure instanceof RequestException) {
      RequestException e = (RequestException) failure;
      return reply(e.status(), e.error(), e.field(), e.getMessage());
    }
    if (isOverload(failure)) {
      return reply(503, "overloaded", null, "no database connection free; retry later");
    }
    LOG.error("request failed", failure);
    return reply(500, "internal_error", null, "the request could not be completed");
  }

  /**
   * The database pool refused to queue the request, or it waited too long for a connection. Vert.x
   * 5's SQL pool fails that wait with a plain {@code VertxException("Timeout waiting for
   * connection")} or, when the pool's connection timeout fires on a queued request, a {@code
   * NoStackTraceThrowable("Timeout")} (vertx-sql-client 5.0.7, SqlConnectionPool); neither is a
   * {@code java.util.concurrent.TimeoutException}, so matching on that type answered 500.
   */
  static boolean isOverload(Throwable t) {
    String message = String.valueOf(t.getMessage());
    return t instanceof io.vertx.core.http.ConnectionPoolTooBusyException
        || (t instanceof io.vertx.core.VertxException || t instanceof TimeoutException)
            && message.contains("waiting for connection")
        || t instanceof io.vertx.core.impl.NoStackTraceThrowable
            && message.equals(POOL_WAIT_TIMEOUT);
  }

  /** The message of the SQL pool's connection-timeout failure for a queued request. */
  static final String POOL_WAIT_TIMEOUT = "Timeout";

  /** Maps a failure the router raised with only a status (no route, body too large, ...). */
  public ErrorReply map(int status) {
    switch (status) {
      case 400:
        return reply(400, "bad_request", null, "the request could not be read");
      case 404:
        return reply(404, "not_found", null, "no such resource");
      case 405:
        return reply(405, "method_not_allowed", null, "method not allowed on this resource");
      case 413:
        return reply(
            413,
            "payload_too_large",
            "body",
            "the request body exceeds " + BankRouter.MAX_BODY_BYTES + " bytes");
      case 415:
        return reply(
            415, "unsupported_media_type", "Content-Type", "Content-Type must be application/json");
      default:
        return status >= 400 && status < 500
            ? reply(status, "bad_request", null, "the request was refused")
            : reply(500, "internal_error", null, "the request could not be completed");
    }
  }

  /** The status for a domain refusal. */
  public static int statusOf(BankException e) {
    switch (e.problem()) {
      case INVALID_FIELD:
      case MISSING_FIELD:
        return 400;
      case ACCOUNT_NOT_FOUND:
        return 404;
      case INSUFFICIENT_FUNDS:
      case BALANCE_LIMIT_EXCEEDED:
      case IDEMPOTENCY_KEY_REUSED:
        return 422;
      default:
        return 500;
    }
  }

  /** Router error handler: answers whatever failed the context. */
  void handle(RoutingContext ctx) {
    ErrorReply reply =
        ctx.failure() != null && !(ctx.statusCode() == 413 || ctx.statusCode() == 400)
            ? map(ctx.failure())
            : map(ctx.statusCode() < 0 ? 500 : ctx.statusCode());
    send(ctx, reply);
  }

  void send(RoutingContext ctx, Throwable failure) {
    send(ctx, map(failure));
  }

  static void send(RoutingContext ctx, ErrorReply reply) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (reply.status() == 503) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader("Content-Type", BankRouter.JSON)
        .end(reply.body().encode());
  }

  private static ErrorReply reply(int status, String error, String field, String message) {
    JsonObject body = new JsonObject().put("error", error);
    if (field != null) {
      body.put("field", field);
    }
    body.put("message", message);
    return new ErrorReply(status, body);
  }
}
