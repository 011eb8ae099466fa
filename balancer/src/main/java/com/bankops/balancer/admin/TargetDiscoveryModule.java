package com.bankops.balancer.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /sd/targets}: Prometheus HTTP service discovery of the appliance and every current
 * bank instance, so the scrape list follows the autoscaler without a hand-kept file.
 *
 * <pre>
 * [{"targets": ["127.0.0.1:9090"], "labels": {"job": "bankops-appliance", "instance": "appliance", ...}},
 *  {"targets": ["127.0.0.1:8101"], "labels": {"job": "bankops-bank", "pool": "stable",
 *                                             "version": "1.0.0", "instance": "stable-8101-1"}}]
 * </pre>
 *
 * <p>Unauthenticated like {@code /metrics}: it tells no more than the metrics already do (backend
 * ids, pools, versions) plus host:port, and the admin token cannot be scoped to reads, so giving it
 * to Prometheus would let a scrape config change the appliance. The admin port binds loopback by
 * default.
 */
final class TargetDiscoveryModule implements AdminModule {
  static final String APPLIANCE_JOB = "bankops-appliance";
  static final String BANK_JOB = "bankops-bank";
  private final ControlPlane control;

  TargetDiscoveryModule(ControlPlane control) {
    this.control = control;
  }

  @Override
  public void register(AdminOperations ops) {
    ops.on("discoverTargets", this::targets);
  }

  private void targets(RoutingContext rc) {
    // the address Prometheus reached us on is the one it can scrape /metrics at
    String self =
        rc.request().localAddress().hostAddress() + ":" + rc.request().localAddress().port();
    JsonArray groups = targetGroups(self, control.backends().getJsonArray("backends"));
    rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, AdminExchange.JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(groups.encode());
  }

  /**
   * One target group per target: the appliance first, then each backend as listed by {@code GET
   * /admin/backends}. Every backend is listed whatever its state — an ejected or draining instance
   * still runs and its metrics explain why it left. The backend id becomes {@code instance}, the
   * same value as the {@code backend} label of the balancer's own series.
   */
  static JsonArray targetGroups(String applianceAddress, JsonArray backends) {
    JsonArray groups = new JsonArray();
    groups.add(
        group(
            applianceAddress,
            new JsonObject().put("job", APPLIANCE_JOB).put("instance", "appliance")));
    for (int i = 0; i < backends.size(); i++) {
      JsonObject b = backends.getJsonObject(i);
      groups.add(
          group(
              hostPort(b.getString("host"), b.getInteger("port")),
              new JsonObject()
                  .put("job", BANK_JOB)
                  .put("instance", b.getString("id"))
                  .put("pool", b.getString("pool"))
                  .put("version", b.getString("version", "unknown"))));
    }
    return groups;
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static JsonObject group(String target, JsonObject labels) {
    return new JsonObject().put("targets", new JsonArray().add(target)).put("labels", labels);
  }
}
