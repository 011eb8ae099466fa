package com.bankops.balancer.admin;

/**
 * A group of admin operations (canary and backends today; autoscaler, rollouts and hooks later).
 * Each operation is declared in {@code openapi.yaml} with an {@code operationId}; the module
 * attaches its handler by that id, after the contract validated the request:
 *
 * <pre>{@code
 * AdminModule rollouts = ops -> {
 *   ops.on("startRollout", rc -> { JsonObject spec = AdminExchange.body(rc); ... });
 *   ops.on("abortRollout", rc -> ...);
 * };
 * AdminServer.start(vertx, config.admin(), controlPlane, scrape, List.of(rollouts));
 * }</pre>
 */
@FunctionalInterface
public interface AdminModule {
  void register(AdminOperations ops);
}
