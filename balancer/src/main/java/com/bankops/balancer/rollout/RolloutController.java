package com.bankops.balancer.rollout;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.bankops.autoscaler.policy.CanaryReplicas;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.notify.Notification;
import com.bankops.balancer.notify.NotificationSink;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.pool.PoolSnapshot;
import com.bankops.balancer.stats.LatencyStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rollouts: canary instances through the runtime, the canary share, step analysis from the
 * pools' histograms, the kill switch, rollback, promotion, the state file, metrics, notifications.
 * The decisions are {@link RolloutMachine}'s, {@link Analysis}'s and {@link KillSwitch}'s; this
 * class only carries them out.
 *
 * <p>Everything runs on one thread ("rollout"): ticks, admin commands (handed over as futures) and
 * the completions of runtime actions (hopped back onto it). Readers of the current state get a
 * published immutable value.
 *
 * <pre>
 *   start:     validate → running (share 0) → start canary instances → add to canary pool → step 1
 *   each tick: kill switch (last 2 s) → trips: share 0 at once, then drain and stop the canary
 *              analysis due → pass (start more canary instances first if the next share needs
 *              them; the next window then starts after the warm-up) / fail / hold
 *   promote:   autoscaler holds scale-in → share 100 → start the version as stable instances →
 *              autoscaler spec → drain and stop the old stable → share 0 → drain and stop the
 *              canary → autoscaler released → promoted
 *   restart:   share 0 → rolling_back: finish it; active: adopt the recorded canary instances (or
 *              start new ones), stop any other canary instance, then the step in force (fresh window)
 * </pre>
 *
 * The canary pool only ever gets a share while it holds an instance of this rollout, so no state,
 * restart included, serves an unknown mix.
 */
public final class RolloutController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("rollouts");
  private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
  private static final Duration MAX_WINDOW = Duration.ofSeconds(LatencyStats.DEFAULT_SLICES - 1);
  private static final long POLL_MS = 50;

  private final Appliance appliance;
  private final Membership membership;
  private final ContainerRuntime runtime;
  private final RolloutStore store;
  private final NotificationSink sink;
  private final RolloutMetrics metrics;
  private final Clock clock;
  private final LongSupplier nanoClock;
  private final RolloutSettings settings;
  private final StablePool stablePool;
  private final ScheduledExecutorService executor;

  // confined to the executor
  private final List<Rollout> rollouts = new ArrayList<>();
  private boolean busy;
  private int sequence;

  private volatile List<Rollout> published = List.of();

  private RolloutController(
      Appliance appliance,
      ContainerRuntime runtime,
      RolloutStore store,
      NotificationSink sink,
      MeterRegistry registry,
      Clock clock,
      LongSupplier nanoClock,
      RolloutSettings settings,
      StablePool stablePool) {
    this.appliance = appliance;
    this.membership = appliance.membership();
    this.runtime = runtime;
    this.store = store;
    this.sink = sink;
    this.metrics = new RolloutMetrics(registry);
    this.clock = clock;
    this.nanoClock = nanoClock;
    this.settings = settings;
    this.stablePool = stablePool;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rollout");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Loads the state file, recovers a rollout the last run left in progress, and starts ticking.
   *
   * @param stablePool told when a promotion runs two versions in the stable pool, and the new
   *     stable spec (the autoscaler then holds scale-in, and its scale-outs start the new version)
   */
  public static RolloutController start(
      Appliance appliance,
      ContainerRuntime runtime,
      RolloutStore store,
      NotificationSink sink,
      MeterRegistry registry,
      Clock clock,
      LongSupplier nanoClock,
      RolloutSettings settings,
      StablePool stablePool) {
    RolloutController c =
        new RolloutController(
            appliance, runtime, store, sink, registry, clock, nanoClock, settings, stablePool);
    c.executor.execute(c.guarded("recover", c::recover));
    long every = settings.tickInterval().toMillis();
    c.executor.scheduleWithFixedDelay(
        c.guarded("tick", c::tick), every, every, TimeUnit.MILLISECONDS);
    return c;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  // ---- reads (any thread) ----

  /** The newest rollout, finished or not. */
  public Optional<Rollout> current() {
    List<Rollout> p = published;
    return p.isEmpty() ? Optional.empty() : Optional.of(p.get(p.size() - 1));
  }

  /** {@code {"rollouts": [newest first, each with its timeline]}}. */
  public JsonObject history() {
    JsonArray list = new JsonArray();
    List<Rollout> p = published;
    for (int i = p.size() - 1; i >= 0; i--) {
      list.add(RolloutJson.toJson(p.get(i)));
    }
    return new JsonObject().put("rollouts", list);
  }

  // ---- commands (answered on the rollout thread) ----

  /** Starts a rollout from a {@code POST /admin/rollouts} body; refusals change nothing. */
  public CompletableFuture<Rollout> start(JsonObject body) {
    return call(
        () -> {
          String version = body.getString("version");
          if (version == null || !settings.knows(version)) {
            throw new IllegalArgumentException(
                "version: " + version + " (expected: " + settings.knownDescription() + ")");
          }
          Map<String, String> env = new LinkedHashMap<>();
          JsonObject e = body.getJsonObject("env", new JsonObject());
          for (String name : e.fieldNames()) {
            if (!ENV_NAME.matcher(name).matches()) {
              throw new IllegalArgumentException(
                  "env." + name + ": not a variable name (expected: [A-Za-z_][A-Za-z0-9_]*)");
            }
            Object v = e.getValue(name);
            if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
              throw new IllegalArgumentException(
                  "env." + name + ": " + v + " (expected: a string, number or boolean)");
            }
            env.put(name, String.valueOf(v));
          }
          RolloutPlan plan = RolloutJson.plan(body);
          Optional<Rollout> last = lastRollout();
          if (last.isPresent() && !last.get().phase().finished()) {
            throw new IllegalStateException(
                "rollout: "
                    + last.get().id()
                    + " is "
                    + last.get().phase().wire()
                    + " (expected: no rollout in progress)");
          }
          for (Member m : membership.snapshot().stable().members()) {
            if (m.backend().version().equals(version)) {
              throw new IllegalArgumentException(
                  "version: " + version + " (expected: a version other than the stable one)");
            }
          }
          int canaryMembers = membership.snapshot().canary().members().size();
          if (canaryMembers > 0) {
            throw new IllegalStateException(
                "canary: the pool has "
                    + canaryMembers
                    + " backend(s) (expected: empty; a rollout owns the canary pool)");
          }
          Instant now = clock.instant();
          String id = "r" + now.getEpochSecond() + "-" + (++sequence);
          Rollout r = RolloutMachine.start(id, version, env, plan, now);
          update(r);
          membership.setCanaryBasisPoints(0);
          bringUpCanary(r);
          return current().orElseThrow();
        });
  }

  /** {@code pause}, {@code resume}, {@code approve}, {@code promote} or {@code abort}. */
  public CompletableFuture<Rollout> command(String op) {
    return call(
        () -> {
          Rollout r =
              lastRollout()
                  .orElseThrow(() -> new IllegalStateException("rollout: none (start one first)"));
          Instant now = clock.instant();
          Rollout next =
              switch (op) {
                case "pause" -> RolloutMachine.pause(r, now);
                case "resume" -> RolloutMachine.resume(r, now);
                case "approve" -> RolloutMachine.approve(r, now);
                case "promote" -> RolloutMachine.promote(r, now);
                case "abort" -> RolloutMachine.abort(r, now);
                default ->
                    throw new IllegalArgumentException(
                        "action: " + op + " (expected: pause, resume, approve, promote or abort)");
              };
          update(next);
          return next;
        });
  }

  // ---- the loop ----

  private void tick() {
    Optional<Rollout> last = lastRollout();
    if (last.isEmpty() || !last.get().phase().active()) {
      return;
    }
    Rollout r = last.get();
    Instant now = clock.instant();
    long nanos = nanoClock.getAsLong();
    if (!r.promoting() && membership.snapshot().canaryBasisPoints() > 0) {
      KillSwitch k = r.plan().killSwitch();
      Duration w = Duration.ofSeconds(k.windowSeconds());
      PoolFigures canary = PoolFigures.of(membership.poolStats(PoolName.CANARY).window(w, nanos));
      PoolFigures stable = PoolFigures.of(membership.poolStats(PoolName.STABLE).window(w, nanos));
      PoolSnapshot pool = membership.snapshot().canary();
      Optional<String> trip =
          k.check(canary, stable, pool.members().size(), pool.candidates().size());
      if (trip.isPresent()) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("canary", RolloutMachine.figures(canary));
        figures.put("stable", RolloutMachine.figures(stable));
        update(RolloutMachine.rollBack(r, trip.get(), figures, now));
        return;
      }
    }
    if (busy || !RolloutMachine.analysisDue(r, now)) {
      return;
    }
    Duration w = Duration.between(r.stepStartedAt(), now);
    w = w.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : w;
    w = w.compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : w;
    PoolFigures canary = PoolFigures.of(membership.poolStats(PoolName.CANARY).window(w, nanos));
    PoolFigures stable = PoolFigures.of(membership.poolStats(PoolName.STABLE).window(w, nanos));
    Verdict v = Analysis.judge(canary, stable, r.baseline(), r.plan().analysis());
    metrics.analysed(v, canary, stable);
    int next = RolloutMachine.nextStep(r);
    if (v.result() == Verdict.Result.PASS && next >= 0) {
      int need = desiredCanary(r.plan().stepBasisPoints(next)) - ownCanaryMembers(r).size();
      if (need > 0) {
        // more canary instances before the share rises, so each carries about a stable's load
        busy = true;
        startCanaries(r, need)
            .whenCompleteAsync(
                (ok, error) -> {
                  busy = false;
                  Rollout c = lastRollout().orElseThrow();
                  if (!c.id().equals(r.id()) || !c.phase().active()) {
                    return;
                  }
                  Instant at = clock.instant();
                  if (error != null) {
                    update(
                        RolloutMachine.rollBack(
                            c, "canary scale-out failed: " + rootMessage(error), Map.of(), at));
                  } else if (c.stepIndex() == r.stepIndex() && RolloutMachine.analysisDue(c, at)) {
                    // the new instances are cold: the next step's window starts after a warm-up
                    update(
                        RolloutMachine.warmUp(
                            RolloutMachine.analysed(c, v, canary, stable, at), at));
                  }
                },
                executor);
        return;
      }
    }
    update(RolloutMachine.analysed(r, v, canary, stable, now));
  }

  /** Persists, publishes, notifies, applies the share, and starts what the new state needs. */
  private void update(Rollout next) {
    Rollout prev = null;
    if (!rollouts.isEmpty() && rollouts.get(rollouts.size() - 1).id().equals(next.id())) {
      prev = rollouts.set(rollouts.size() - 1, next);
    } else {
      rollouts.add(next);
    }
    if (prev == next) {
      prev = null; // first update of a rollout just added by start()
    }
    while (rollouts.size() > RolloutStore.KEPT) {
      rollouts.remove(0);
    }
    published = List.copyOf(rollouts);
    metrics.current(next);
    try {
      store.save(rollouts);
    } catch (RuntimeException e) {
      LOG.error(
          "rollout state not saved", kv("event", "state_save_failed"), kv("error", e.toString()));
    }
    for (TimelineEntry e : newEntries(prev, next)) {
      announce(next, e);
    }
    applyShare(next);
    boolean rollingBack = next.phase() == Phase.ROLLING_BACK;
    if (rollingBack && (prev == null || prev.phase() != Phase.ROLLING_BACK)) {
      metrics.rolledBack();
      rollBackInstances(next);
    } else if (next.promoting() && (prev == null || !prev.promoting())) {
      promoteInstances(next);
    }
  }

  /** Share only while the canary pool holds this rollout's instances; 0 otherwise. */
  private void applyShare(Rollout r) {
    if (!r.phase().active()) {
      membership.setCanaryBasisPoints(0);
    } else if (!r.promoting()) {
      membership.setCanaryBasisPoints(ownCanaryMembers(r).isEmpty() ? 0 : r.shareBasisPoints());
    }
  }

  private static List<TimelineEntry> newEntries(Rollout prev, Rollout next) {
    List<TimelineEntry> t = next.timeline();
    if (prev == null || prev.timeline().isEmpty()) {
      return prev == null && t.size() == 1 ? t : List.of();
    }
    TimelineEntry lastSeen = prev.timeline().get(prev.timeline().size() - 1);
    List<TimelineEntry> out = new ArrayList<>();
    for (int i = t.size() - 1; i >= 0 && !t.get(i).equals(lastSeen); i--) {
      out.add(0, t.get(i));
    }
    return out;
  }

  private void announce(Rollout r, TimelineEntry e) {
    LOG.info(
        "rollout {} {}: {}",
        r.id(),
        e.event(),
        e.message(),
        kv("event", "rollout_" + e.event()),
        kv("rollout", r.id()),
        kv("version", r.version()),
        kv("state", r.phase().wire()),
        kv("stepPercent", e.stepPercent()),
        kv("figures", e.figures()));
    String type =
        switch (e.event()) {
          case "started",
              "step_advanced",
              "paused",
              "awaiting_approval",
              "rolled_back",
              "promoted" ->
              "rollout." + e.event();
          default -> null;
        };
    if (type == null) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>(e.figures());
    fields.put("rollout", r.id());
    fields.put("version", r.version());
    fields.put("stepPercent", e.stepPercent());
    if (e.event().equals("rolled_back")) {
      fields.put("reason", r.reason());
      // the figures of the breach are on the rolling_back entry
      for (int i = r.timeline().size() - 1; i >= 0; i--) {
        TimelineEntry b = r.timeline().get(i);
        if (b.event().equals("rolling_back")) {
          fields.putAll(b.figures());
          fields.put("rollingBackAt", b.at().toString());
          break;
        }
      }
    }
    try {
      sink.publish(new Notification(type, e.at(), summary(r, e), fields));
    } catch (RuntimeException ex) {
      LOG.warn("notification refused", kv("event", "notify_failed"), kv("error", ex.toString()));
    }
  }

  private static String summary(Rollout r, TimelineEntry e) {
    return switch (e.event()) {
      case "rolled_back" -> "Rolled back " + r.version() + ": " + r.reason();
      case "promoted" -> "Promoted " + r.version() + " to stable";
      default -> r.version() + ": " + e.message();
    };
  }

  // ---- instances ----

  private int desiredCanary(int shareBasisPoints) {
    long stable =
        membership.snapshot().stable().members().stream()
            .filter(m -> m.state() != BackendState.DRAINING)
            .count();
    return CanaryReplicas.canaryReplicas((int) Math.max(1, stable), shareBasisPoints);
  }

  private List<Member> ownCanaryMembers(Rollout r) {
    List<Member> own = new ArrayList<>();
    for (Member m : membership.snapshot().canary().members()) {
      if (r.canaryInstances().contains(m.id()) && m.state() != BackendState.DRAINING) {
        own.add(m);
      }
    }
    return own;
  }

  private void bringUpCanary(Rollout r) {
    int need = Math.max(1, desiredCanary(r.plan().stepBasisPoints(Math.max(0, r.stepIndex()))));
    need -= ownCanaryMembers(r).size();
    busy = true;
    CompletableFuture<Void> up =
        need > 0 ? startCanaries(r, need) : CompletableFuture.completedFuture(null);
    up.whenCompleteAsync(
        (ok, error) -> {
          Rollout c = lastRollout().orElseThrow();
          if (!c.id().equals(r.id()) || !c.phase().active()) {
            return;
          }
          busy = false;
          Instant now = clock.instant();
          if (error != null) {
            update(
                RolloutMachine.rollBack(
                    c, "canary failed to start: " + rootMessage(error), Map.of(), now));
          } else if (c.stepIndex() < 0) {
            update(RolloutMachine.canaryReady(c, c.canaryInstances(), now));
          } else if (c.promoting()) {
            promoteInstances(c);
          } else {
            applyShare(c);
          }
        },
        executor);
  }

  /** Starts {@code n} canary instances; each joins the canary pool and the rollout's record. */
  private CompletableFuture<Void> startCanaries(Rollout r, int n) {
    InstanceSpec spec = spec("canary", r);
    List<CompletableFuture<Instance>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(
          runtime
              .start(spec)
              .thenApplyAsync(
                  in -> {
                    Rollout c = lastRollout().orElseThrow();
                    if (!c.id().equals(r.id()) || !c.phase().active()) {
                      runtime.stop(in.id(), settings.stopGrace());
                      throw new IllegalStateException("rollout " + r.id() + " ended");
                    }
                    membership.add(
                        new Backend(in.id(), PoolName.CANARY, in.host(), in.port(), in.version()));
                    List<String> ids = new ArrayList<>(c.canaryInstances());
                    ids.add(in.id());
                    update(c.withCanaryInstances(ids));
                    return in;
                  },
                  executor));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private InstanceSpec spec(String pool, Rollout r) {
    Map<String, String> env = new LinkedHashMap<>(settings.baseEnv());
    env.putAll(r.env());
    return new InstanceSpec(pool, r.version(), 0, env);
  }

  private void rollBackInstances(Rollout r) {
    busy = true;
    membership.setCanaryBasisPoints(0);
    Set<String> ids = new LinkedHashSet<>(r.canaryInstances());
    membership.snapshot().canary().members().forEach(m -> ids.add(m.id()));
    drainAndStopAll(ids)
        .whenCompleteAsync(
            (ok, error) -> {
              busy = false;
              if (error != null) {
                LOG.warn(
                    "canary cleanup incomplete",
                    kv("event", "rollback_cleanup_failed"),
                    kv("error", rootMessage(error)));
              }
              Rollout c = lastRollout().orElseThrow();
              if (c.id().equals(r.id()) && c.phase() == Phase.ROLLING_BACK) {
                update(RolloutMachine.rolledBack(c, clock.instant()));
              }
            },
            executor);
  }

  private void promoteInstances(Rollout r) {
    busy = true;
    stablePool.replacing(r.version());
    List<String> newStable = new ArrayList<>();
    InstanceSpec stableSpec = spec("stable", r);
    int need = desiredCanary(10_000) - ownCanaryMembers(r).size();
    int stableCount =
        (int)
            Math.max(
                1,
                membership.snapshot().stable().members().stream()
                    .filter(m -> m.state() != BackendState.DRAINING)
                    .count());
    CompletableFuture<Void> up =
        need > 0 ? startCanaries(r, need) : CompletableFuture.completedFuture(null);
    up.thenRunAsync(() -> membership.setCanaryBasisPoints(10_000), executor)
        .thenCompose(v -> startStable(stableSpec, stableCount, newStable))
        .whenCompleteAsync(
            (ok, error) -> {
              Rollout c = lastRollout().orElseThrow();
              if (error != null) {
                busy = false;
                drainAndStopAll(new LinkedHashSet<>(newStable))
                    .whenCompleteAsync((v, e) -> stablePool.replaced(), executor);
                if (c.id().equals(r.id()) && c.phase().active()) {
                  update(
                      RolloutMachine.rollBack(
                          c, "promotion failed: " + rootMessage(error), Map.of(), clock.instant()));
                }
                return;
              }
              finishPromotion(c, stableSpec, newStable);
            },
            executor);
  }

  /** The new stable serves from here on: drain the old stable, move traffic, retire the canary. */
  private void finishPromotion(Rollout r, InstanceSpec stableSpec, List<String> newStable) {
    stablePool.specReplaced(stableSpec);
    Set<String> old = new LinkedHashSet<>();
    membership.snapshot().stable().members().stream()
        .map(Member::id)
        .filter(id -> !newStable.contains(id))
        .forEach(old::add);
    drainAndStopAll(old)
        .thenRunAsync(() -> membership.setCanaryBasisPoints(0), executor)
        .thenComposeAsync(
            v -> {
              Set<String> canary = new LinkedHashSet<>(r.canaryInstances());
              membership.snapshot().canary().members().forEach(m -> canary.add(m.id()));
              return drainAndStopAll(canary);
            },
            executor)
        .whenCompleteAsync(
            (ok, error) -> {
              busy = false;
              stablePool.replaced();
              if (error != null) {
                LOG.warn(
                    "promotion cleanup incomplete",
                    kv("event", "promotion_cleanup_failed"),
                    kv("error", rootMessage(error)));
              }
              membership.setCanaryBasisPoints(0);
              Rollout c = lastRollout().orElseThrow();
              if (c.id().equals(r.id()) && c.promoting()) {
                update(RolloutMachine.promoted(c, clock.instant()));
              }
            },
            executor);
  }

  private CompletableFuture<Void> startStable(InstanceSpec spec, int n, List<String> started) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(
          runtime
              .start(spec)
              .thenAcceptAsync(
                  in -> {
                    started.add(in.id());
                    membership.add(
                        new Backend(in.id(), PoolName.STABLE, in.host(), in.port(), in.version()));
                  },
                  executor));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<Void> drainAndStopAll(Set<String> ids) {
    return CompletableFuture.allOf(
        ids.stream().map(this::drainAndStop).toArray(CompletableFuture[]::new));
  }

  /** No new requests at once; removal when idle (or at the deadline); then the instance stops. */
  private CompletableFuture<Void> drainAndStop(String id) {
    CompletableFuture<Void> gone = new CompletableFuture<>();
    if (appliance.drain(id, settings.drainDeadline()).isEmpty()) {
      gone.complete(null);
    } else {
      long giveUp = nanoClock.getAsLong() + settings.drainDeadline().plusSeconds(5).toNanos();
      pollRemoved(id, giveUp, gone);
    }
    return gone.thenCompose(v -> runtime.stop(id, settings.stopGrace()));
  }

  private void pollRemoved(String id, long giveUp, CompletableFuture<Void> gone) {
    if (membership.snapshot().member(id).isEmpty() || nanoClock.getAsLong() - giveUp >= 0) {
      membership.remove(id);
      gone.complete(null);
      return;
    }
    executor.schedule(() -> pollRemoved(id, giveUp, gone), POLL_MS, TimeUnit.MILLISECONDS);
  }

  // ---- restart ----

  private void recover() {
    List<Rollout> saved = store.load();
    rollouts.addAll(saved);
    published = List.copyOf(rollouts);
    if (saved.isEmpty()) {
      return;
    }
    Rollout r = saved.get(saved.size() - 1);
    metrics.current(r);
    sequence = saved.size();
    if (r.phase().finished()) {
      return;
    }
    // nothing is routed to the canary until this rollout's own instances are back
    membership.setCanaryBasisPoints(0);
    Instant now = clock.instant();
    if (r.phase() == Phase.ROLLING_BACK) {
      Rollout logged = r.log(now, "restarted", "appliance restarted; rolling_back", Map.of());
      rollouts.set(rollouts.size() - 1, logged);
      published = List.copyOf(rollouts);
      store.save(rollouts);
      rollBackInstances(logged);
      return;
    }
    List<String> adopted = new ArrayList<>();
    for (Instance in : runtime.list()) {
      if (!in.pool().equals("canary")) {
        continue;
      }
      if (r.canaryInstances().contains(in.id()) && in.version().equals(r.version())) {
        adopted.add(in.id());
        if (membership.snapshot().member(in.id()).isEmpty()) {
          membership.add(new Backend(in.id(), PoolName.CANARY, in.host(), in.port(), in.version()));
        }
      } else {
        // a canary instance this rollout does not own would be an unknown mix
        drainAndStop(in.id());
      }
    }
    Rollout next = RolloutMachine.restarted(r, now).withCanaryInstances(adopted);
    rollouts.set(rollouts.size() - 1, r);
    update(next);
    bringUpCanary(next);
  }

  /** What the audit log records of a rollout: id, version, state, share. */
  static JsonObject brief(Rollout r) {
    return new JsonObject()
        .put("id", r.id())
        .put("version", r.version())
        .put("state", r.phase().wire())
        .put("canaryPercent", r.stepPercent());
  }

  // ---- plumbing ----

  private Optional<Rollout> lastRollout() {
    return rollouts.isEmpty() ? Optional.empty() : Optional.of(rollouts.get(rollouts.size() - 1));
  }

  private <T> CompletableFuture<T> call(java.util.concurrent.Callable<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    executor.execute(
        () -> {
          try {
            f.complete(work.call());
          } catch (Exception | Error e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  private Runnable guarded(String what, Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        // a failed tick must not end the schedule
        LOG.error(
            "rollout {} failed", what, kv("event", "rollout_error"), kv("error", e.toString()), e);
      }
    };
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
