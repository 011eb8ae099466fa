package com.bankops.autoscaler.loop;

import com.bankops.autoscaler.registry.BackendRegistry;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.signals.InstanceLoad;
import com.bankops.autoscaler.signals.LoadSignals;
import com.bankops.autoscaler.signals.LoadSnapshot;
import com.bankops.autoscaler.signals.PoolLoad;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Hand-driven clock, runtime, registry and signals for the loop's tests. */
final class Fakes {
  private Fakes() {}

  static final class FakeClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Starts complete when the test says so; stops complete at once unless held. */
  static final class FakeRuntime implements ContainerRuntime {
    final Map<String, Instance> ready = new LinkedHashMap<>();
    final List<CompletableFuture<Instance>> starts = new ArrayList<>();
    final List<InstanceSpec> specs = new ArrayList<>();
    final List<String> stopped = new ArrayList<>();
    final List<Duration> graces = new ArrayList<>();
    final Map<String, Duration> cpu = new LinkedHashMap<>();
    private int next = 1;

    Instance addReady(String pool) {
      Instance i = instance(pool);
      ready.put(i.id(), i);
      return i;
    }

    private Instance instance(String pool) {
      int n = next++;
      return new Instance(
          pool + "-" + n,
          pool,
          "1.0.0",
          "127.0.0.1",
          18000 + n,
          Instant.EPOCH,
          Duration.ofSeconds(3));
    }

    /** Completes the oldest pending start. */
    Instance completeStart() {
      CompletableFuture<Instance> f =
          starts.stream().filter(s -> !s.isDone()).findFirst().orElseThrow();
      Instance i = instance(specs.get(starts.indexOf(f)).pool());
      ready.put(i.id(), i);
      f.complete(i);
      return i;
    }

    void failStart(String why) {
      starts.stream()
          .filter(s -> !s.isDone())
          .findFirst()
          .orElseThrow()
          .completeExceptionally(new IllegalStateException(why));
    }

    long pendingStarts() {
      return starts.stream().filter(s -> !s.isDone()).count();
    }

    @Override
    public CompletableFuture<Instance> start(InstanceSpec spec) {
      CompletableFuture<Instance> f = new CompletableFuture<>();
      specs.add(spec);
      starts.add(f);
      return f;
    }

    @Override
    public CompletableFuture<Void> stop(String instanceId, Duration grace) {
      stopped.add(instanceId);
      graces.add(grace);
      ready.remove(instanceId);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<Instance> list() {
      return List.copyOf(ready.values());
    }

    @Override
    public java.util.Optional<Duration> cpuTime(String instanceId) {
      return java.util.Optional.ofNullable(cpu.get(instanceId));
    }

    @Override
    public String kind() {
      return "fake";
    }

    @Override
    public void close() {}
  }

  /** Records calls; drains complete when the test says so. */
  static final class FakeRegistry implements BackendRegistry {
    final List<String> added = new ArrayList<>();
    final Map<String, CompletableFuture<Void>> drains = new LinkedHashMap<>();

    @Override
    public CompletableFuture<Void> addBackend(
        String pool, String id, String host, int port, String version) {
      added.add(id);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> drainAndRemove(String id, Duration deadline) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      drains.put(id, f);
      return f;
    }
  }

  /** Serves the pool load the test sets; none means the pool is missing from the sample. */
  static final class FakeSignals implements LoadSignals {
    final FakeClock clock;
    final FakeRuntime runtime;
    Double inFlight;
    boolean broken;
    Map<String, Integer> perInstance = Map.of();

    FakeSignals(FakeClock clock, FakeRuntime runtime) {
      this.clock = clock;
      this.runtime = runtime;
    }

    @Override
    public LoadSnapshot sample() {
      if (broken) {
        throw new IllegalStateException("stats unavailable");
      }
      if (inFlight == null) {
        return new LoadSnapshot(clock.instant(), Map.of());
      }
      Map<String, InstanceLoad> instances = new LinkedHashMap<>();
      for (Instance i : runtime.list()) {
        instances.put(i.id(), new InstanceLoad(i.id(), perInstance.getOrDefault(i.id(), 0), 0));
      }
      int ready = runtime.list().size();
      PoolLoad load =
          new PoolLoad(
              "stable",
              Duration.ofSeconds(10),
              (int) Math.round(inFlight),
              inFlight * 100,
              10_000,
              20_000,
              0,
              0,
              ready,
              1000,
              instances);
      return new LoadSnapshot(clock.instant(), Map.of("stable", load));
    }
  }
}
