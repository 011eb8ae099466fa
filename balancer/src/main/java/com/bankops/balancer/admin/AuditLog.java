package com.bankops.balancer.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import net.logstash.logback.marker.LogstashMarker;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per change on the logger {@code audit}: who (token fingerprint), what, before,
 * after. Refused requests change nothing and are not audited.
 *
 * <pre>{"logger_name":"audit","message":"canary.set","who":"token:3f9a…","what":"canary.set",
 *  "before":{"canaryBasisPoints":0},"after":{"canaryBasisPoints":1}, ...}</pre>
 */
public final class AuditLog {
  public static final String LOGGER_NAME = "audit";
  private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER_NAME);

  private AuditLog() {}

  /** Records a change; {@code before} or {@code after} is null when the thing did not exist. */
  public static void record(RoutingContext rc, String what, JsonObject before, JsonObject after) {
    LogstashMarker marker =
        Markers.append("who", AdminExchange.who(rc))
            .and(Markers.append("what", what))
            .and(Markers.appendRaw("before", before == null ? "null" : before.encode()))
            .and(Markers.appendRaw("after", after == null ? "null" : after.encode()));
    AUDIT.info(marker, what);
  }
}
