package com.bankops.balancer.scaling;

import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.loop.PoolStatus;
import io.vertx.core.json.JsonObject;

/** The JSON shapes of decisions and pool states, for the admin API. */
final class DecisionJson {
  private DecisionJson() {}

  static JsonObject decision(Decision d) {
    JsonObject o =
        new JsonObject()
            .put("at", d.at().toString())
            .put("pool", d.pool())
            .put("signals", d.signals())
            .put("current", d.current())
            .put("ready", d.ready())
            .put("inFlight", d.inFlight())
            .put("rps", round(d.requestsPerSecond()))
            .put("meanLatencyMs", round(d.meanLatencyMillis()))
            .put("p99LatencyMs", round(d.p99LatencyMillis()))
            .put("errorRate", round(d.errorRate()))
            .put("queueDepth", d.queueDepth())
            .put("stableConcurrency", round(d.stableConcurrency()))
            .put("panicConcurrency", round(d.panicConcurrency()))
            .put("alertFloor", d.alertFloor())
            .put("forecastRps", round(d.forecastRequestsPerSecond()))
            .put("forecastDesired", d.forecastDesired());
    if (Double.isFinite(d.forecastErrorRequestsPerSecond())) {
      o.put("forecastErrorRps", round(d.forecastErrorRequestsPerSecond()));
    }
    return o.put("desired", d.desired())
        .put("mode", d.mode())
        .put("reason", d.reason())
        .put("action", d.action());
  }

  static JsonObject pool(PoolStatus s) {
    return new JsonObject()
        .put("desired", s.desired())
        .put("current", s.current())
        .put("ready", s.ready())
        .put("alertFloor", s.alertFloor())
        .put("action", s.action());
  }

  /** Three decimals: enough for rates and milliseconds, short in logs. */
  static double round(double x) {
    return Double.isFinite(x) ? Math.round(x * 1000) / 1000.0 : 0;
  }
}
