package com.bankops.balancer.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The JSON body of every refused admin request, naming the field at fault:
 *
 * <pre>{"error": "invalid_request", "field": "percent", "message": "..."}</pre>
 */
public record AdminError(int status, String error, String field, String message) {

  public static AdminError invalid(String field, String message) {
    return new AdminError(400, "invalid_request", field, message);
  }

  public static AdminError notFound(String field, String message) {
    return new AdminError(404, "not_found", field, message);
  }

  public static AdminError conflict(String field, String message) {
    return new AdminError(409, "conflict", field, message);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("error", error);
    if (!field.isEmpty()) {
      json.put("field", field);
    }
    return json.put("message", message);
  }

  /** Sends this error unless a response was already started. */
  public void send(RoutingContext rc) {
    if (rc.response().headWritten()) {
      rc.response().reset();
      return;
    }
    rc.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, AdminExchange.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(toJson().encode());
  }
}
