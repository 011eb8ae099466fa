package com.bankops.balancer.console;

import com.bankops.balancer.admin.ControlPlane;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The operator console's live data: one JSON frame per second, the same for every open stream,
 * built only while someone is watching.
 *
 * <pre>
 * {"atMillis": 1764100000000,
 *  "status":     GET /admin/status,
 *  "stats":      GET /admin/stats (+ "ejections" per backend, "histogram60s" per pool),
 *  "autoscaler": GET /admin/autoscaler + "decisions": the newest few,
 *  "rollout":    GET /admin/rollouts/current, or null when there is none}
 * </pre>
 *
 * <p>A subscriber whose connection cannot keep up (its write queue is full) skips frames rather
 * than making the appliance buffer them.
 */
public final class ConsoleFeed {
  public static final long PERIOD_MS = 1000;
  public static final int MAX_SUBSCRIBERS = 16;

  private final Vertx vertx;
  private final ControlPlane control;
  private final Supplier<JsonObject> autoscaler;
  private final RolloutSource rollouts;
  private final ToLongFunction<String> ejections;
  private final Clock clock;
  private final Set<HttpServerResponse> subscribers = ConcurrentHashMap.newKeySet();
  private long timer = -1;
  private boolean building;

  /**
   * @param autoscaler the autoscaler's view with its newest decisions (called once per frame)
   * @param ejections how often a backend (by id) was ejected
   */
  public ConsoleFeed(
      Vertx vertx,
      ControlPlane control,
      Supplier<JsonObject> autoscaler,
      RolloutSource rollouts,
      ToLongFunction<String> ejections,
      Clock clock) {
    this.vertx = vertx;
    this.control = control;
    this.autoscaler = autoscaler;
    this.rollouts = rollouts;
    this.ejections = ejections;
    this.clock = clock;
  }

  /**
   * Starts sending frames to {@code response} (already answered 200 with the stream's headers)
   * until it closes. Returns false, sending nothing, when {@link #MAX_SUBSCRIBERS} are open.
   */
  public synchronized boolean subscribe(HttpServerResponse response) {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      return false;
    }
    subscribers.add(response);
    response.closeHandler(v -> unsubscribe(response));
    response.exceptionHandler(e -> unsubscribe(response));
    if (timer < 0) {
      timer = vertx.setPeriodic(0, PERIOD_MS, id -> publish());
    }
    return true;
  }

  /** The number of open streams. */
  public int subscribers() {
    return subscribers.size();
  }

  private synchronized void unsubscribe(HttpServerResponse response) {
    subscribers.remove(response);
    if (subscribers.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void publish() {
    synchronized (this) {
      if (building) {
        return; // the previous frame still waits for the rollout: skip rather than pile up
      }
      building = true;
    }
    rollouts
        .current()
        .otherwise(e -> Optional.of(new JsonObject().put("error", String.valueOf(e.getMessage()))))
        .onComplete(
            r -> {
              Buffer event;
              try {
                event = event(frame(r.result()));
              } finally {
                synchronized (this) {
                  building = false;
                }
              }
              for (HttpServerResponse s : subscribers) {
                if (!s.writeQueueFull()) {
                  s.write(event);
                }
              }
            });
  }

  /** One frame; public for tests that check its shape. */
  public JsonObject frame(Optional<JsonObject> rollout) {
    JsonObject stats = control.stats();
    JsonArray backends = stats.getJsonArray("backends", new JsonArray());
    for (int i = 0; i < backends.size(); i++) {
      JsonObject b = backends.getJsonObject(i);
      b.put("ejections", ejections.applyAsLong(b.getString("id", "")));
    }
    return new JsonObject()
        .put("atMillis", clock.millis())
        .put("status", control.status())
        .put("stats", stats)
        .put("autoscaler", autoscaler.get())
        .put("rollout", rollout.orElse(null));
  }

  /** A Server-Sent Events message: one {@code data:} line (JSON has no raw newlines). */
  static Buffer event(JsonObject frame) {
    return Buffer.buffer("data: ").appendString(frame.encode()).appendString("\n\n");
  }
}
