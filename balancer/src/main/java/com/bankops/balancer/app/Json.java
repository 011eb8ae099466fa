package com.bankops.balancer.app;

import com.bankops.balancer.pool.Member;
import com.bankops.balancer.stats.LatencyBuckets;
import com.bankops.balancer.stats.WindowSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.AbstractHistogram;

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

  /**
   * {@code {"totalCount", "upperBoundsMicros": [...], "counts": [...]}} over {@link
   * LatencyBuckets}, trimmed after the last non-empty bucket: every pool uses the same bounds, so a
   * shorter list is a prefix of a longer one.
   */
  static JsonObject buckets(AbstractHistogram histogram) {
    long[] counts = LatencyBuckets.counts(histogram);
    int last = counts.length - 1;
    while (last >= 0 && counts[last] == 0) {
      last--;
    }
    JsonArray bounds = new JsonArray();
    JsonArray values = new JsonArray();
    for (int i = 0; i <= last; i++) {
      bounds.add(LatencyBuckets.UPPER_BOUNDS_MICROS[i]);
      values.add(counts[i]);
    }
    return new JsonObject()
        .put("totalCount", histogram.getTotalCount())
        .put("upperBoundsMicros", bounds)
        .put("counts", values);
  }

  static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
