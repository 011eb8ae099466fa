package com.bankops.balancer.admin;

import com.bankops.balancer.pool.PoolName;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.Supplier;

/** Status, canary share, backends and stats: the operations every appliance has. */
final class CoreAdminModule implements AdminModule {
  private final ControlPlane control;

  CoreAdminModule(ControlPlane control) {
    this.control = control;
  }

  @Override
  public void register(AdminOperations ops) {
    ops.on("getStatus", rc -> AdminExchange.reply(rc, 200, control.status()))
        .on("setCanary", this::setCanary)
        .on("listBackends", rc -> AdminExchange.reply(rc, 200, control.backends()))
        .on("addBackend", this::addBackend)
        .on("removeBackend", this::removeBackend)
        .on("getStats", rc -> AdminExchange.reply(rc, 200, control.stats()));
  }

  /** The contract allows 0..100 in 0.01 steps, so the share is a whole number of basis points. */
  private void setCanary(RoutingContext rc) {
    Number percent = (Number) AdminExchange.body(rc).getValue("percent");
    int basisPoints = new BigDecimal(percent.toString()).movePointRight(2).intValueExact();
    JsonObject before = canary(control.canaryBasisPoints());
    try {
      control.setCanaryBasisPoints(basisPoints);
    } catch (IllegalArgumentException | IllegalStateException e) {
      AdminExchange.fail(rc, e);
      return;
    }
    JsonObject after = canary(control.canaryBasisPoints());
    AuditLog.record(rc, "canary.set", before, after);
    AdminExchange.reply(rc, 200, after);
  }

  static JsonObject canary(int basisPoints) {
    return new JsonObject()
        .put("canaryPercent", basisPoints / 100.0)
        .put("canaryBasisPoints", basisPoints);
  }

  private void addBackend(RoutingContext rc) {
    JsonObject body = AdminExchange.body(rc);
    PoolName pool =
        PoolName.fromWire(body.getString("pool"))
            .orElseThrow(() -> new IllegalStateException("contract admitted pool " + body));
    attempt(
            () ->
                control.addBackend(
                    pool,
                    body.getString("host"),
                    body.getInteger("port"),
                    Optional.ofNullable(body.getString("version"))))
        .onSuccess(
            added -> {
              AuditLog.record(rc, "backend.add", null, added);
              rc.response().putHeader("Location", "/admin/backends/" + added.getString("id", ""));
              AdminExchange.reply(rc, 201, added);
            })
        .onFailure(e -> AdminExchange.fail(rc, e));
  }

  private void removeBackend(RoutingContext rc) {
    String id = AdminExchange.pathParam(rc, "id");
    JsonObject before = find(id);
    attempt(() -> control.removeBackend(id))
        .onSuccess(
            removed -> {
              if (removed.isEmpty()) {
                AdminError.notFound("id", "no backend with id " + id).send(rc);
                return;
              }
              AuditLog.record(rc, "backend.remove", before, removed.get());
              AdminExchange.reply(rc, 202, removed.get());
            })
        .onFailure(e -> AdminExchange.fail(rc, e));
  }

  /** A control plane may refuse by throwing as well as by failing the future. */
  private static <T> Future<T> attempt(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private JsonObject find(String id) {
    JsonArray all = control.backends().getJsonArray("backends", new JsonArray());
    for (int i = 0; i < all.size(); i++) {
      JsonObject b = all.getJsonObject(i);
      if (id.equals(b.getString("id"))) {
        return b;
      }
    }
    return null;
  }
}
