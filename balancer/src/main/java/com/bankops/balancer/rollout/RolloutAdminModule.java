package com.bankops.balancer.rollout;

import com.bankops.balancer.admin.AdminError;
import com.bankops.balancer.admin.AdminExchange;
import com.bankops.balancer.admin.AdminModule;
import com.bankops.balancer.admin.AdminOperations;
import com.bankops.balancer.admin.AuditLog;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /admin/rollouts}, {@code GET /admin/rollouts}, {@code GET /admin/rollouts/current}
 * and {@code POST /admin/rollouts/current/{action}}. The contract checked the shapes; the
 * controller refuses what only it can judge (unknown version, steps not increasing, a rollout
 * already running) with a message naming the field, and changes nothing then.
 */
public final class RolloutAdminModule implements AdminModule {
  private final RolloutController controller;

  public RolloutAdminModule(RolloutController controller) {
    this.controller = controller;
  }

  @Override
  public void register(AdminOperations ops) {
    ops.on("startRollout", this::start)
        .on("listRollouts", rc -> AdminExchange.reply(rc, 200, controller.history()))
        .on("getCurrentRollout", this::current)
        .on("rolloutAction", this::action);
  }

  private void start(RoutingContext rc) {
    JsonObject body = AdminExchange.body(rc);
    answer(rc, controller.start(body), 201, "rollout.start", null);
  }

  private void current(RoutingContext rc) {
    Optional<Rollout> r = controller.current();
    if (r.isEmpty()) {
      AdminError.notFound("rollout", "rollout: none yet (start one with POST /admin/rollouts)")
          .send(rc);
      return;
    }
    AdminExchange.reply(rc, 200, RolloutJson.toJson(r.get()));
  }

  private void action(RoutingContext rc) {
    String action = AdminExchange.pathParam(rc, "action");
    JsonObject before = controller.current().map(RolloutController::brief).orElse(null);
    answer(rc, controller.command(action), 200, "rollout." + action, before);
  }

  private void answer(
      RoutingContext rc,
      CompletableFuture<Rollout> result,
      int status,
      String audit,
      JsonObject before) {
    Context ctx = rc.vertx().getOrCreateContext();
    result.whenComplete(
        (r, error) ->
            ctx.runOnContext(
                v -> {
                  if (error != null) {
                    AdminExchange.fail(rc, error);
                    return;
                  }
                  AuditLog.record(rc, audit, before, RolloutController.brief(r));
                  AdminExchange.reply(rc, status, RolloutJson.toJson(r));
                }));
  }

  /** For an appliance without an instance runtime: reads work, changes are refused. */
  public static AdminModule unavailable() {
    return ops ->
        ops.on("startRollout", RolloutAdminModule::noRuntime)
            .on(
                "listRollouts",
                rc ->
                    AdminExchange.reply(
                        rc,
                        200,
                        new JsonObject().put("rollouts", new io.vertx.core.json.JsonArray())))
            .on(
                "getCurrentRollout",
                rc ->
                    AdminError.notFound("rollout", "rollout: none (no instance runtime)").send(rc))
            .on("rolloutAction", RolloutAdminModule::noRuntime);
  }

  private static void noRuntime(RoutingContext rc) {
    AdminError.conflict(
            "runtime",
            "runtime: none (expected: an appliance with an instance runtime, e.g. ./bankops demo)")
        .send(rc);
  }
}
