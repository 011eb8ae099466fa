package com.bankops.balancer.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shapes a notification is sent in. Field values become JSON as they are when they are strings,
 * numbers, booleans, lists or maps, and as their {@code toString()} otherwise, so an odd value
 * never fails a delivery.
 */
final class NotificationJson {
  static final String SOURCE = "bankops";

  /** Slack shows at most 10 fields in a section block. */
  static final int SLACK_MAX_FIELDS = 10;

  private NotificationJson() {}

  /**
   * {@code {"source": "bankops", "type": "rollout.rolled_back", "at": "2026-…Z", "summary": "…",
   * "fields": {…}}}
   */
  static JsonObject generic(Notification n) {
    return new JsonObject()
        .put("source", SOURCE)
        .put("type", n.type())
        .put("at", n.at().toString())
        .put("summary", n.summary())
        .put("fields", fields(n.fields()));
  }

  /**
   * What a Slack incoming webhook accepts: {@code text} (the fallback shown in notifications) and
   * {@code blocks}: a header line, then up to ten {@code *name*\nvalue} fields.
   */
  static JsonObject slack(Notification n) {
    JsonArray blocks = new JsonArray();
    blocks.add(
        new JsonObject()
            .put("type", "section")
            .put(
                "text",
                new JsonObject()
                    .put("type", "mrkdwn")
                    .put("text", "*" + escape(n.type()) + "*  " + escape(n.summary()))));
    JsonArray fields = new JsonArray();
    sorted(n.fields()).entrySet().stream()
        .limit(SLACK_MAX_FIELDS)
        .forEach(
            e ->
                fields.add(
                    new JsonObject()
                        .put("type", "mrkdwn")
                        .put(
                            "text",
                            "*" + escape(e.getKey()) + "*\n" + escape(text(e.getValue())))));
    if (!fields.isEmpty()) {
      blocks.add(new JsonObject().put("type", "section").put("fields", fields));
    }
    blocks.add(
        new JsonObject()
            .put("type", "context")
            .put(
                "elements",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("type", "mrkdwn")
                            .put("text", SOURCE + " · " + n.at()))));
    return new JsonObject().put("text", n.type() + ": " + n.summary()).put("blocks", blocks);
  }

  /** {@code [bankops] rollout.rolled_back: Rolled back 2.1.0: …}, one line, at most 200 chars. */
  static String mailSubject(String prefix, Notification n) {
    String s = (prefix.isEmpty() ? "" : prefix + " ") + n.type() + ": " + n.summary();
    s = s.replaceAll("[\\r\\n]+", " ");
    return s.length() <= 200 ? s : s.substring(0, 199) + "…";
  }

  /** The summary, then one {@code name: value} line per field, then the time. */
  static String mailText(Notification n) {
    StringBuilder b = new StringBuilder(n.summary()).append("\n\n");
    sorted(n.fields()).forEach((k, v) -> b.append(k).append(": ").append(text(v)).append('\n'));
    b.append("\nevent: ").append(n.type()).append("\nat: ").append(n.at()).append('\n');
    return b.toString();
  }

  private static Map<String, Object> sorted(Map<String, Object> fields) {
    return new TreeMap<>(fields);
  }

  static JsonObject fields(Map<String, Object> fields) {
    JsonObject o = new JsonObject();
    sorted(fields).forEach((k, v) -> o.put(k, value(v)));
    return o;
  }

  private static Object value(Object v) {
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.put(String.valueOf(k), value(x)));
      return o;
    }
    if (v instanceof List<?> l) {
      JsonArray a = new JsonArray();
      l.forEach(x -> a.add(value(x)));
      return a;
    }
    return v.toString();
  }

  private static String text(Object v) {
    Object j = value(v);
    if (j instanceof JsonObject o) {
      return o.encode();
    }
    if (j instanceof JsonArray a) {
      return a.encode();
    }
    return String.valueOf(j);
  }

  /** Slack's mrkdwn needs only these three escaped. */
  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
