package com.bankops.balancer.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of a rollout: served by {@code GET /admin/rollouts/current} and written to the state
 * file (one shape for both, so a restarted appliance reads exactly what it served), and the parsing
 * of a {@code POST /admin/rollouts} body into a plan.
 */
public final class RolloutJson {
  private RolloutJson() {}

  public static JsonObject toJson(Rollout r) {
    RolloutPlan p = r.plan();
    JsonArray timeline = new JsonArray();
    for (TimelineEntry e : r.timeline()) {
      JsonObject o =
          new JsonObject()
              .put("at", e.at().toString())
              .put("event", e.event())
              .put("stepPercent", e.stepPercent())
              .put("message", e.message());
      if (!e.figures().isEmpty()) {
        o.put("figures", new JsonObject(new LinkedHashMap<>(e.figures())));
      }
      timeline.add(o);
    }
    JsonObject o =
        new JsonObject()
            .put("id", r.id())
            .put("version", r.version())
            .put("state", r.phase().wire())
            .put("canaryPercent", r.stepPercent())
            .put("step", r.stepIndex() + 1)
            .put("steps", new JsonArray(RolloutPlan.percents(p.stepsBasisPoints())))
            .put("stepSeconds", p.stepDuration().toMillis() / 1000.0)
            .put("warmupSeconds", p.warmup().toMillis() / 1000.0)
            .put("promoting", r.promoting())
            .put("reason", r.reason())
            .put("env", new JsonObject(new LinkedHashMap<>(r.env())))
            .put("analysis", analysis(p.analysis()))
            .put("killSwitch", killSwitch(p.killSwitch()))
            .put(
                "approvalBefore",
                new JsonArray(RolloutPlan.percents(List.copyOf(p.approvalBeforeBasisPoints()))))
            .put("approvedSteps", new JsonArray(List.copyOf(r.approvedSteps())))
            .put("pendingStep", r.pendingStep())
            .put(
                "pendingApprovalPercent",
                r.pendingStep() >= 0 ? p.stepBasisPoints(r.pendingStep()) / 100.0 : null)
            .put("canaryInstances", new JsonArray(r.canaryInstances()))
            .put("baseline", figures(r.baseline()))
            .put("createdAt", r.createdAt().toString())
            .put("stepStartedAt", r.stepStartedAt().toString())
            .put("analysisDueAt", r.analysisDueAt().toString())
            .put("timeline", timeline);
    return o;
  }

  static JsonObject analysis(AnalysisThresholds t) {
    return new JsonObject()
        .put("maxErrorRateIncrease", t.maxErrorRateIncrease())
        .put("maxP99Ratio", t.maxP99Ratio())
        .put("p99SlackMs", t.p99SlackMillis())
        .put("minRequests", t.minRequests());
  }

  static JsonObject killSwitch(KillSwitch k) {
    return new JsonObject()
        .put("errorRateIncrease", k.errorRateIncrease())
        .put("minRequests", k.minRequests())
        .put("windowSeconds", k.windowSeconds());
  }

  static JsonObject figures(PoolFigures f) {
    return new JsonObject()
        .put("count", f.count())
        .put("errors", f.errors())
        .put("p99Micros", f.p99Micros());
  }

  /** A rollout from the state file. */
  public static Rollout fromJson(JsonObject o) {
    RolloutPlan plan = plan(o);
    Map<String, String> env = env(o.getJsonObject("env", new JsonObject()));
    Set<Integer> approved = new HashSet<>();
    o.getJsonArray("approvedSteps", new JsonArray()).forEach(x -> approved.add((Integer) x));
    List<String> instances = new ArrayList<>();
    o.getJsonArray("canaryInstances", new JsonArray()).forEach(x -> instances.add((String) x));
    JsonObject b = o.getJsonObject("baseline", new JsonObject());
    List<TimelineEntry> timeline = new ArrayList<>();
    for (Object x : o.getJsonArray("timeline", new JsonArray())) {
      JsonObject e = (JsonObject) x;
      timeline.add(
          new TimelineEntry(
              Instant.parse(e.getString("at")),
              e.getString("event"),
              e.getDouble("stepPercent", 0.0),
              e.getString("message", ""),
              e.getJsonObject("figures", new JsonObject()).getMap()));
    }
    return new Rollout(
        o.getString("id"),
        o.getString("version"),
        env,
        plan,
        Phase.fromWire(o.getString("state"))
            .orElseThrow(() -> new IllegalArgumentException("state: " + o.getString("state"))),
        o.getInteger("step") - 1,
        Instant.parse(o.getString("stepStartedAt")),
        Instant.parse(o.getString("analysisDueAt")),
        o.getInteger("pendingStep", -1),
        approved,
        o.getBoolean("promoting", false),
        o.getString("reason", ""),
        instances,
        new PoolFigures(
            b.getLong("count", 0L), b.getLong("errors", 0L), b.getLong("p99Micros", 0L)),
        Instant.parse(o.getString("createdAt")),
        timeline);
  }

  /**
   * The plan of a request body (or of the state file), defaults for what is missing. Throws
   * IllegalArgumentException naming the field.
   */
  public static RolloutPlan plan(JsonObject body) {
    RolloutPlan d = RolloutPlan.defaults();
    List<Integer> steps = d.stepsBasisPoints();
    JsonArray s = body.getJsonArray("steps");
    if (s != null) {
      steps = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        steps.add(basisPoints("steps[" + i + "]", s.getValue(i)));
      }
    }
    Duration step = d.stepDuration();
    if (body.containsKey("stepSeconds")) {
      double secs = number("stepSeconds", body.getValue("stepSeconds"));
      AnalysisThresholds.check(secs >= 0.5 && secs <= 3600, "stepSeconds", secs, "0.5..3600");
      step = Duration.ofMillis(Math.round(secs * 1000));
    }
    AnalysisThresholds t = d.analysis();
    JsonObject a = body.getJsonObject("analysis");
    if (a != null) {
      t =
          new AnalysisThresholds(
              number(
                  "analysis.maxErrorRateIncrease",
                  a.getValue("maxErrorRateIncrease", t.maxErrorRateIncrease())),
              number("analysis.maxP99Ratio", a.getValue("maxP99Ratio", t.maxP99Ratio())),
              (long) number("analysis.p99SlackMs", a.getValue("p99SlackMs", t.p99SlackMillis())),
              (long) number("analysis.minRequests", a.getValue("minRequests", t.minRequests())));
    }
    KillSwitch k = d.killSwitch();
    JsonObject ks = body.getJsonObject("killSwitch");
    if (ks != null) {
      k =
          new KillSwitch(
              number(
                  "killSwitch.errorRateIncrease",
                  ks.getValue("errorRateIncrease", k.errorRateIncrease())),
              (long) number("killSwitch.minRequests", ks.getValue("minRequests", k.minRequests())),
              (int)
                  number(
                      "killSwitch.windowSeconds", ks.getValue("windowSeconds", k.windowSeconds())));
    }
    Set<Integer> approval = new HashSet<>();
    JsonArray ap = body.getJsonArray("approvalBefore");
    if (ap != null) {
      for (int i = 0; i < ap.size(); i++) {
        approval.add(basisPoints("approvalBefore[" + i + "]", ap.getValue(i)));
      }
    }
    Duration warmup = d.warmup();
    if (body.containsKey("warmupSeconds")) {
      double secs = number("warmupSeconds", body.getValue("warmupSeconds"));
      AnalysisThresholds.check(secs >= 0 && secs <= 600, "warmupSeconds", secs, "0..600");
      warmup = Duration.ofMillis(Math.round(secs * 1000));
    }
    return new RolloutPlan(steps, step, t, approval, k, warmup);
  }

  private static int basisPoints(String field, Object v) {
    double percent = number(field, v);
    AnalysisThresholds.check(percent > 0 && percent <= 100, field, percent, "0 < percent <= 100");
    return (int) Math.round(percent * 100);
  }

  private static double number(String field, Object v) {
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException(field + ": " + v + " (expected: a number)");
    }
    return ((Number) v).doubleValue();
  }

  static Map<String, String> env(JsonObject o) {
    Map<String, String> env = new LinkedHashMap<>();
    o.forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    return env;
  }
}
