package com.bankops.balancer.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Attaches handlers to the contract's operations by operationId; each id exactly once. */
public final class AdminOperations {
  private final RouterBuilder builder;
  private final Set<String> handled = new HashSet<>();

  AdminOperations(RouterBuilder builder) {
    this.builder = builder;
  }

  /**
   * Handles {@code operationId} once the request passed the contract's validation.
   *
   * @throws IllegalArgumentException if openapi.yaml has no such operation or it is taken
   */
  public AdminOperations on(String operationId, Handler<RoutingContext> handler) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalArgumentException(
          "operationId: " + operationId + " (expected: an operation declared in openapi.yaml)");
    }
    if (!handled.add(operationId)) {
      throw new IllegalArgumentException(
          "operationId: " + operationId + " (expected: each operation handled once)");
    }
    // Authentication runs before validation as a root handler, so the library's own security
    // resolution stays off; the contract's securitySchemes only document it.
    route.setDoSecurity(false).addHandler(handler);
    return this;
  }

  /** Operations of the contract that no module handles; the router refuses to start with any. */
  List<String> unhandled() {
    List<String> missing = new ArrayList<>();
    for (OpenAPIRoute r : builder.getRoutes()) {
      if (!handled.contains(r.getOperation().getOperationId())) {
        missing.add(r.getOperation().getOperationId());
      }
    }
    return missing;
  }
}
