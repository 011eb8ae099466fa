package com.bankops.balancer.app;

import com.bankops.balancer.pool.Member;
import com.bankops.balancer.stats.WindowSnapshot;
import io.vertx.core.json.JsonObject;

/** JSON shapes of the admin API that the appliance produces (contract: ARCHITECTURE.md). */
final class Json {
  private Json() {}

  static JsonObject backend(Member m, long nowNanos) {
    return new JsonObject()
        .put("id", m.id())
        .put("pool", m.backend().pool().wire())
        .put("host", m.backend().host())
        .put("port", m.backend().port())
        .put("version", m.backend().version())
        .put("state", m.state().wire())
        .put("reason", m.reason())
        .put("inFlight", m.inFlight())
        .put("weight", round(m.weight(nowNanos)))
        .put("latencyCostMicros", round(m.latencyCost(nowNanos)));
  }

  static JsonObject window(WindowSnapshot w) {
    return new JsonObject()
        .put("count", w.count())
        .put("errors", w.errors())
        .put("rps", round(w.rps()))
        .put("errorRate", round(w.errorRate()))
        .put("p50Micros", w.p50())
        .put("p90Micros", w.p90())
        .put("p99Micros", w.p99())
        .put("p999Micros", w.p999())
        .put("maxMicros", w.max());
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
