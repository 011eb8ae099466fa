package com.bankops.balancer.notify;

import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.loop.Direction;
import com.bankops.autoscaler.loop.ScalingListener;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the autoscaler's scale actions into {@code scaling.scaled_out} and {@code
 * scaling.scaled_in} notifications. The loop reports a scale action while deciding and the decision
 * (with its reason and figures) right after, on the same thread:
 *
 * <pre>
 * tick: scaled(stable, UP, 2) → decided(stable: 2 → 4, "panic: ...") → publish scaling.scaled_out
 * </pre>
 *
 * so the action is held until its decision arrives and both go out as one notification. Action
 * failures are not notified here (they are logged and counted by the reporter).
 */
public final class ScalingNotifications implements ScalingListener {
  private final NotificationSink sink;
  private final Map<String, Pending> pending = new HashMap<>(); // guarded by this

  private record Pending(Direction direction, int instances) {}

  public ScalingNotifications(NotificationSink sink) {
    this.sink = sink;
  }

  @Override
  public void scaled(String pool, Direction direction, int instances) {
    synchronized (this) {
      pending.put(pool, new Pending(direction, instances));
    }
  }

  @Override
  public void decided(Decision d) {
    Pending p;
    synchronized (this) {
      p = pending.remove(d.pool());
    }
    if (p != null) {
      sink.publish(notification(d, p.direction(), p.instances()));
    }
  }

  @Override
  public void failed(String pool, String what) {}

  static Notification notification(Decision d, Direction direction, int instances) {
    boolean out = direction == Direction.UP;
    String type = out ? "scaling.scaled_out" : "scaling.scaled_in";
    String summary =
        String.format(
            "Scaling %s pool %s: %d → %d instances (%s)",
            out ? "out" : "in", d.pool(), d.current(), d.desired(), d.reason());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("pool", d.pool());
    fields.put("direction", direction.wire());
    fields.put("instances", instances);
    fields.put("current", d.current());
    fields.put("ready", d.ready());
    fields.put("desired", d.desired());
    fields.put("reason", d.reason());
    fields.put("mode", d.mode());
    fields.put("inFlight", d.inFlight());
    fields.put("rps", round(d.requestsPerSecond()));
    fields.put("p99LatencyMs", round(d.p99LatencyMillis()));
    fields.put("errorRate", round(d.errorRate()));
    return new Notification(type, d.at(), summary, fields);
  }

  private static double round(double x) {
    return Double.isFinite(x) ? Math.round(x * 1000.0) / 1000.0 : 0;
  }
}
