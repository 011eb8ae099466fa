package com.bankops.bank.api;

import com.bankops.bank.store.BankStore;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** {@code /health/live} (the process answers) and {@code /health/ready} (the database answers). */
final class HealthHandlers {
  static final long READY_TIMEOUT_MILLIS = 2_000;

  private final BankStore store;
  private final BooleanSupplier draining;

  HealthHandlers(BankStore store, BooleanSupplier draining) {
    this.store = store;
    this.draining = draining;
  }

  void live(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "live"));
  }

  void ready(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
      send(ctx, 503, new JsonObject().put("status", "draining"));
      return;
    }
    store
        .ping()
        .timeout(READY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .onSuccess(v -> send(ctx, 200, new JsonObject().put("status", "ready")))
        .onFailure(
            err ->
                send(
                    ctx,
                    503,
                    new JsonObject()
                        .put("status", "unavailable")
                        .put("reason", "database: " + err.getMessage())));
  }

  private void send(RoutingContext ctx, int status, JsonObject body) {
    if (draining.getAsBoolean() && status == 200 && ctx.request().path().endsWith("ready")) {
      status = 503;
      body = new JsonObject().put("status", "draining");
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", BankRouter.JSON)
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
