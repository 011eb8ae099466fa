package com.bankops.balancer.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/**
 * What an operation handler reads and writes. Input comes from the request the OpenAPI contract
 * already validated; handlers do not re-check it.
 */
public final class AdminExchange {
  static final String JSON = "application/json";

  private AdminExchange() {}

  /** The validated JSON body of the request. */
  public static JsonObject body(RoutingContext rc) {
    return validated(rc).getBody().getJsonObject();
  }

  /** A validated path parameter, as a string. */
  public static String pathParam(RoutingContext rc, String name) {
    RequestParameter p = validated(rc).getPathParameters().get(name);
    return p == null || p.isNull() ? "" : String.valueOf(p.get());
  }

  /** Answers with a JSON body. */
  public static void reply(RoutingContext rc, int status, JsonObject body) {
    rc.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }

  /**
   * Fails the request with what the control plane said: IllegalArgumentException → 400,
   * IllegalStateException → 409 (both JSON, naming the field when the message starts with one);
   * anything else → 500.
   */
  public static void fail(RoutingContext rc, Throwable error) {
    if (error instanceof IllegalArgumentException || error instanceof IllegalStateException) {
      rc.fail(new AdminFailureHandler.RefusedByControlPlane(error));
    } else {
      rc.fail(error);
    }
  }

  /** Who made the request: the fingerprint of the bearer token, for the audit log. */
  public static String who(RoutingContext rc) {
    String who = rc.get(BearerAuthHandler.WHO_KEY);
    return who == null ? "anonymous" : who;
  }

  private static ValidatedRequest validated(RoutingContext rc) {
    ValidatedRequest v = rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    if (v == null) {
      throw new IllegalStateException("no validated request: is this operation's validation off?");
    }
    return v;
  }
}
