package com.bankops.balancer.scaling;

import com.bankops.autoscaler.loop.AlertFloors;
import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.loop.PoolStatus;
import com.bankops.autoscaler.loop.ReconcileLoop;
import com.bankops.autoscaler.policy.AutoscalerConfig;
import com.bankops.balancer.admin.AdminError;
import com.bankops.balancer.admin.AdminExchange;
import com.bankops.balancer.admin.AdminModule;
import com.bankops.balancer.admin.AdminOperations;
import com.bankops.balancer.admin.AuditLog;
import com.bankops.balancer.config.AutoscalerSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET|PUT /admin/autoscaler}, {@code GET /admin/autoscaler/decisions} and {@code POST
 * /admin/hooks/alertmanager}. The contract validated each request before it gets here; what only
 * the policy can judge (min ≤ max) is refused with the policy's message, which names the field.
 *
 * <p>Alertmanager (webhook payload version 4): a firing alert with the label {@code
 * bankops_scale_floor="<n>"} (and optionally {@code pool}, default {@code stable}) sets a floor of
 * n replicas, keyed by the alert's fingerprint; the resolved alert lifts it, and the loop then
 * scales down through stabilisation and rate limits like any other drop in demand.
 */
final class ScalingAdminModule implements AdminModule {
  static final String FLOOR_LABEL = "bankops_scale_floor";
  static final String POOL_LABEL = "pool";
  static final int DEFAULT_DECISIONS = 100;

  private final ReconcileLoop loop;
  private final String runtimeKind;

  ScalingAdminModule(ReconcileLoop loop, String runtimeKind) {
    this.loop = loop;
    this.runtimeKind = runtimeKind;
  }

  @Override
  public void register(AdminOperations ops) {
    ops.on("getAutoscaler", rc -> AdminExchange.reply(rc, 200, view()))
        .on("setAutoscaler", this::set)
        .on("getAutoscalerDecisions", this::decisions)
        .on("alertmanagerHook", this::alertmanager);
  }

  JsonObject view() {
    AutoscalerConfig c = loop.config();
    JsonObject pools = new JsonObject();
    for (PoolStatus s : loop.status()) {
      pools.put(s.pool(), DecisionJson.pool(s));
    }
    JsonArray floors = new JsonArray();
    for (AlertFloors.Floor f : loop.alertFloors().active()) {
      floors.add(
          new JsonObject()
              .put("fingerprint", f.fingerprint())
              .put("pool", f.pool())
              .put("replicas", f.replicas()));
    }
    return new JsonObject()
        .put("available", true)
        .put("enabled", loop.enabled())
        .put("runtime", runtimeKind)
        .put("minReplicas", c.minReplicas())
        .put("maxReplicas", c.maxReplicas())
        .put("targetConcurrency", c.targetConcurrency())
        .put("forecastMode", AutoscalerSettings.wire(c.forecastMode()))
        .put("tolerance", c.tolerance())
        .put("stableWindowSeconds", c.stableWindow().toMillis() / 1000.0)
        .put("panicWindowSeconds", c.panicWindow().toMillis() / 1000.0)
        .put("scaleDownStabilizationSeconds", c.scaleDownStabilization().toMillis() / 1000.0)
        .put("pools", pools)
        .put("alertFloors", floors);
  }

  private void set(RoutingContext rc) {
    JsonObject body = AdminExchange.body(rc);
    JsonObject before = settings();
    AutoscalerConfig current = loop.config();
    AutoscalerConfig.Builder next = current.toBuilder();
    if (body.containsKey("minReplicas")) {
      next.minReplicas(body.getInteger("minReplicas"));
    }
    if (body.containsKey("maxReplicas")) {
      next.maxReplicas(body.getInteger("maxReplicas"));
    }
    if (body.containsKey("targetConcurrency")) {
      next.targetConcurrency(((Number) body.getValue("targetConcurrency")).doubleValue());
    }
    if (body.containsKey("forecastMode")) {
      next.forecastMode(AutoscalerSettings.forecastModes().get(body.getString("forecastMode")));
    }
    boolean enabled = body.getBoolean("enabled", loop.enabled());
    AutoscalerConfig config;
    try {
      config = next.build();
    } catch (IllegalArgumentException e) {
      AdminExchange.fail(rc, e);
      return;
    }
    loop.reconfigure(config, enabled);
    AuditLog.record(rc, "autoscaler.set", before, settings());
    AdminExchange.reply(rc, 200, view());
  }

  private JsonObject settings() {
    AutoscalerConfig c = loop.config();
    return new JsonObject()
        .put("enabled", loop.enabled())
        .put("minReplicas", c.minReplicas())
        .put("maxReplicas", c.maxReplicas())
        .put("targetConcurrency", c.targetConcurrency())
        .put("forecastMode", AutoscalerSettings.wire(c.forecastMode()));
  }

  private void decisions(RoutingContext rc) {
    String limit = rc.queryParams().get("limit");
    int n = limit == null ? DEFAULT_DECISIONS : Integer.parseInt(limit);
    JsonArray list = new JsonArray();
    for (Decision d : loop.decisions(n)) {
      list.add(DecisionJson.decision(d));
    }
    AdminExchange.reply(rc, 200, new JsonObject().put("decisions", list));
  }

  private void alertmanager(RoutingContext rc) {
    JsonArray alerts = AdminExchange.body(rc).getJsonArray("alerts");
    // check every alert before changing anything: a refused payload changes no floor
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject labels = alerts.getJsonObject(i).getJsonObject("labels");
      if (labels.containsKey(FLOOR_LABEL)) {
        String pool = labels.getString(POOL_LABEL, "stable");
        if (!loop.manages(pool)) {
          AdminError.invalid(
                  "alerts[" + i + "].labels.pool",
                  "alerts["
                      + i
                      + "].labels.pool: "
                      + pool
                      + " (expected: a pool the autoscaler"
                      + " manages)")
              .send(rc);
          return;
        }
      }
    }
    JsonObject before = floors();
    List<String> applied = new ArrayList<>();
    int ignored = 0;
    AlertFloors floors = loop.alertFloors();
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject alert = alerts.getJsonObject(i);
      JsonObject labels = alert.getJsonObject("labels");
      String fingerprint = alert.getString("fingerprint");
      if (!labels.containsKey(FLOOR_LABEL)) {
        ignored++;
        continue;
      }
      if ("firing".equals(alert.getString("status"))) {
        int replicas = Integer.parseInt(labels.getString(FLOOR_LABEL));
        if (floors.fire(fingerprint, labels.getString(POOL_LABEL, "stable"), replicas)) {
          applied.add("fire " + fingerprint);
        }
      } else if (floors.resolve(fingerprint)) {
        applied.add("resolve " + fingerprint);
      }
    }
    if (!applied.isEmpty()) {
      AuditLog.record(rc, "autoscaler.alert_floor", before, floors());
    }
    AdminExchange.reply(
        rc,
        200,
        new JsonObject()
            .put("applied", new JsonArray(applied))
            .put("ignored", ignored)
            .put("alertFloors", view().getJsonArray("alertFloors")));
  }

  private JsonObject floors() {
    JsonObject o = new JsonObject();
    for (AlertFloors.Floor f : loop.alertFloors().active()) {
      o.put(f.fingerprint(), new JsonObject().put("pool", f.pool()).put("replicas", f.replicas()));
    }
    return o;
  }

  /** For an appliance without a runtime ({@code run} mode): reads say so, changes are refused. */
  static AdminModule unavailable() {
    JsonObject off = new JsonObject().put("available", false).put("enabled", false);
    return ops ->
        ops.on("getAutoscaler", rc -> AdminExchange.reply(rc, 200, off))
            .on("setAutoscaler", ScalingAdminModule::notRunning)
            .on(
                "getAutoscalerDecisions",
                rc ->
                    AdminExchange.reply(
                        rc, 200, new JsonObject().put("decisions", new JsonArray())))
            .on("alertmanagerHook", ScalingAdminModule::notRunning);
  }

  private static void notRunning(RoutingContext rc) {
    AdminError.conflict(
            "autoscaler",
            "the autoscaler is not running: this appliance has no instance runtime (demo mode has)")
        .send(rc);
  }
}
