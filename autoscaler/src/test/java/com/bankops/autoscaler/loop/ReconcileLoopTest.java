package com.bankops.autoscaler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.bankops.autoscaler.loop.Fakes.FakeClock;
import com.bankops.autoscaler.loop.Fakes.FakeRegistry;
import com.bankops.autoscaler.loop.Fakes.FakeRuntime;
import com.bankops.autoscaler.loop.Fakes.FakeSignals;
import com.bankops.autoscaler.policy.AutoscalerConfig;
import com.bankops.autoscaler.policy.ForecastMode;
import com.bankops.autoscaler.runtime.InstanceSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loop with a fake clock, runtime, registry and signals; every tick is driven by hand. */
class ReconcileLoopTest {
  static final Duration TICK = Duration.ofSeconds(1);
  static final AutoscalerConfig CONFIG =
      AutoscalerConfig.builder()
          .minReplicas(1)
          .maxReplicas(8)
          .targetConcurrency(10)
          .stableWindow(Duration.ofSeconds(10))
          .panicWindow(Duration.ofSeconds(2))
          .scaleDownStabilization(Duration.ofSeconds(5))
          .forecastMode(ForecastMode.SHADOW)
          .build();

  final FakeClock clock = new FakeClock();
  final FakeRuntime runtime = new FakeRuntime();
  final FakeRegistry registry = new FakeRegistry();
  final FakeSignals signals = new FakeSignals(clock, runtime);
  final List<String> events = new ArrayList<>();
  final List<String> failures = new ArrayList<>();

  ReconcileLoop loop(AutoscalerConfig config, int running) {
    for (int i = 0; i < running; i++) {
      runtime.addReady("stable");
    }
    InstanceSpec spec =
        InstanceSpec.of("stable", "1.0.0").withEnv(Map.of("BANK_DB_URL", "jdbc:postgresql://x"));
    LoopSettings settings =
        new LoopSettings(
            Map.of("stable", spec),
            TICK,
            Duration.ofSeconds(7),
            Duration.ofSeconds(3),
            Duration.ofSeconds(5),
            20);
    return new ReconcileLoop(
        config,
        true,
        settings,
        signals,
        runtime,
        registry,
        new ScalingListener() {
          @Override
          public void decided(Decision decision) {}

          @Override
          public void scaled(String pool, Direction direction, int instances) {
            events.add(pool + " " + direction.wire() + " " + instances);
          }

          @Override
          public void failed(String pool, String what) {
            failures.add(what);
          }
        },
        clock);
  }

  Decision tick(ReconcileLoop loop) {
    clock.advance(TICK);
    return loop.tick().get(0);
  }

  /** Ticks at {@code inFlight} and returns the last decision. */
  Decision ticks(ReconcileLoop loop, int n, Double inFlight) {
    signals.inFlight = inFlight;
    Decision last = null;
    for (int i = 0; i < n; i++) {
      last = tick(loop);
    }
    return last;
  }

  @ParameterizedTest(name = "{0} ready at {1} in flight, then {2}: start {3}")
  @CsvSource({
    // ready, steady, surge, started on the first surge tick; the 2 s panic window then holds
    // one steady and one surge sample
    "1, 10, 40, 2", //  panic: (10 + 40) / 2 = 25 -> 3 wanted
    "1, 10, 100, 4", // 55 -> 6 wanted, limited to max(1 x 2, 1 + 4) = 5
    "2, 20, 200, 4", // 110 -> 11 wanted, limited to max(2 x 2, 2 + 4) = 6
    "4, 40, 42, 0", //  41: no panic, and the stable window is within the tolerance band
  })
  void aSurgeStartsInstancesOnItsFirstTick(int ready, int steady, int surge, int started) {
    ReconcileLoop loop = loop(CONFIG, ready);
    ticks(loop, 10, (double) steady);
    assertThat(runtime.starts).isEmpty();

    Decision d = ticks(loop, 1, (double) surge);

    assertThat(runtime.starts).hasSize(started);
    assertThat(d.action()).isEqualTo(started == 0 ? "none" : "start " + started);
    assertThat(runtime.specs)
        .allSatisfy(s -> assertThat(s.env()).containsEntry("BANK_DB_URL", "jdbc:postgresql://x"));
  }

  @Test
  void aReplacedSpecIsWhatTheNextScaleOutStarts() {
    ReconcileLoop loop = loop(CONFIG, 1);
    InstanceSpec promoted =
        InstanceSpec.of("stable", "2.0.0").withEnv(Map.of("BANK_DB_URL", "jdbc:postgresql://y"));
    loop.replaceSpec(promoted);
    assertThat(loop.spec("stable")).contains(promoted);
    ticks(loop, 10, 10.0);
    ticks(loop, 1, 40.0);
    assertThat(runtime.specs).isNotEmpty().allSatisfy(s -> assertThat(s).isEqualTo(promoted));
    assertThatThrownBy(() -> loop.replaceSpec(InstanceSpec.of("canary", "2.0.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pool: canary");
  }

  @Test
  void anInstanceStartedBeforeAPromotionDoesNotJoinThePoolAfterIt() {
    ReconcileLoop loop = loop(CONFIG, 1);
    ticks(loop, 10, 10.0);
    ticks(loop, 1, 40.0); // a surge: starts with the 1.0.0 spec
    long pending = runtime.pendingStarts();
    assertThat(pending).isPositive();
    loop.replaceSpec(InstanceSpec.of("stable", "2.0.0")); // a promotion while they start
    for (long i = 0; i < pending; i++) {
      runtime.completeStart();
    }
    assertThat(registry.added).as("none of the old version joins").isEmpty();
    assertThat(runtime.stopped).hasSize((int) pending);
  }

  @Test
  void aPoolARolloutIsReplacingIsNotScaledInButScalesOut() {
    // a promotion runs the new version beside the old: 2 + 2 where 2 or fewer are wanted
    ReconcileLoop loop = loop(CONFIG, 2);
    loop.holdScaleIn("stable", "promoting 2.0.0");
    runtime.addReady("stable");
    runtime.addReady("stable");

    Decision held = ticks(loop, 20, 1.0);

    assertThat(held.current()).isEqualTo(4);
    assertThat(held.desired()).isLessThan(4);
    assertThat(held.action()).isEqualTo("hold: promoting 2.0.0");
    assertThat(registry.drains).as("neither version drained by the loop").isEmpty();
    assertThat(runtime.stopped).isEmpty();

    Decision surge = ticks(loop, 1, 200.0);
    assertThat(surge.action()).as("scale-out is not held").startsWith("start ");
    assertThatThrownBy(() -> loop.holdScaleIn("canary", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pool: canary");
  }

  @Test
  void aReleasedPoolIsScaledInOnTheNextTick() {
    ReconcileLoop loop = loop(CONFIG, 4);
    loop.holdScaleIn("stable", "promoting 2.0.0");
    ticks(loop, 20, 1.0);
    assertThat(registry.drains).isEmpty();

    loop.releaseScaleIn("stable");
    Decision d = ticks(loop, 1, 1.0);

    assertThat(d.action()).startsWith("drain ");
    assertThat(registry.drains).hasSize(2); // 4 / maxScaleDownRate 2
  }

  @Test
  void noSecondActionWhileInstancesAreStartingAndReadyOnesAreAddedWithSlowStart() {
    ReconcileLoop loop = loop(CONFIG, 1);
    ticks(loop, 5, 10.0);
    ticks(loop, 1, 40.0);
    assertThat(runtime.starts).hasSize(2);

    Decision waiting = ticks(loop, 5, 80.0);
    assertThat(runtime.starts).as("no new start while two are starting").hasSize(2);
    assertThat(waiting.action()).startsWith("wait: starting 2");
    assertThat(waiting.current()).as("starting instances count as current").isEqualTo(3);
    assertThat(waiting.desired()).isGreaterThan(3);

    runtime.completeStart();
    assertThat(registry.added).hasSize(1);
    assertThat(ticks(loop, 1, 80.0).action()).startsWith("wait");

    runtime.completeStart();
    assertThat(registry.added).hasSize(2);
    Decision next = ticks(loop, 1, 80.0);
    assertThat(next.action()).as("idle again: scales on").startsWith("start ");
    assertThat(events).containsExactly("stable up 2", "stable up " + (next.desired() - 3));
  }

  @Test
  void scaleInDrainsTheLeastLoadedFirstAndStopsOnlyAfterTheDrain() {
    ReconcileLoop loop = loop(CONFIG, 3);
    signals.perInstance = Map.of("stable-1", 4, "stable-2", 1, "stable-3", 2);
    ticks(loop, 10, 25.0);
    assertThat(registry.drains).isEmpty();

    Decision d = ticks(loop, 12, 8.0);

    assertThat(registry.drains.keySet()).as("one least-loaded pick").containsExactly("stable-2");
    assertThat(runtime.stopped).as("not before the drain completes").isEmpty();
    assertThat(d.action()).startsWith("wait: draining stable-2");
    assertThat(d.current()).as("a draining instance no longer counts").isEqualTo(2);

    registry.drains.get("stable-2").complete(null);

    assertThat(runtime.stopped).containsExactly("stable-2");
    assertThat(runtime.graces).containsExactly(Duration.ofSeconds(3));
    assertThat(events).containsExactly("stable down 1"); // 3 -> 2: max scale-down rate 2
  }

  @Test
  void cpuIsTheSecondSignalSampledFromTheRuntime() {
    ReconcileLoop loop = loop(CONFIG, 2);
    ticks(loop, 10, 20.0); // 2 ready at target concurrency 10: no change
    runtime.cpu.put("stable-1", Duration.ofSeconds(10));
    runtime.cpu.put("stable-2", Duration.ofSeconds(20));
    assertThat(loop.sampleCpu()).as("one reading is no rate yet").isEmpty();

    // 5 s later both used 4.5 s of CPU: 0.9 of a core each, above the 0.7 target
    clock.advance(Duration.ofSeconds(5));
    runtime.cpu.put("stable-1", Duration.ofMillis(14_500));
    runtime.cpu.put("stable-2", Duration.ofMillis(24_500));
    assertThat(loop.sampleCpu().get("stable").utilization()).isCloseTo(0.9, within(1e-9));

    Decision d = tick(loop);

    assertThat(d.desired()).as("ceil(2 x 0.9 / 0.7) = 3: %s", d.reason()).isEqualTo(3);
    assertThat(d.reason()).contains("cpu");
    assertThat(runtime.pendingStarts()).isEqualTo(1);
  }

  @Test
  void aCpuCounterThatWentBackwardsIsNoReading() {
    assertThat(
            CpuSampler.utilisation(
                Duration.ofSeconds(5),
                Instant.EPOCH,
                Duration.ofSeconds(1),
                Instant.ofEpochSecond(5)))
        .isEmpty();
    assertThat(
            CpuSampler.utilisation(
                Duration.ZERO, Instant.EPOCH, Duration.ofSeconds(1), Instant.EPOCH))
        .as("no time passed")
        .isEmpty();
    assertThat(
            CpuSampler.utilisation(
                Duration.ZERO, Instant.EPOCH, Duration.ofSeconds(3), Instant.ofEpochSecond(2)))
        .as("more than one core")
        .hasValue(1.5);
  }

  @Test
  void scaleInDrainsAsManyAsTheRateLimitAllows() {
    ReconcileLoop loop = loop(CONFIG, 4);
    ticks(loop, 20, 1.0);
    assertThat(registry.drains).hasSize(2); // 4 / maxScaleDownRate 2
    registry.drains.values().forEach(f -> f.complete(null));
    assertThat(runtime.list()).hasSize(2);
  }

  @Test
  void missingOrBrokenSignalsHoldAndNeverScaleIn() {
    ReconcileLoop loop = loop(CONFIG, 4);
    ticks(loop, 3, 40.0);

    Decision missing = ticks(loop, 30, null);
    assertThat(missing.mode()).isEqualTo("hold");
    assertThat(missing.signals()).isEqualTo("missing");
    assertThat(missing.desired()).isEqualTo(4);

    signals.broken = true;
    Decision broken = ticks(loop, 30, 1.0);
    assertThat(broken.signals()).startsWith("error: ");
    assertThat(broken.mode()).isEqualTo("hold");
    assertThat(registry.drains).isEmpty();
    assertThat(runtime.stopped).isEmpty();
  }

  @Test
  void anAlertFloorScalesOutAndItsResolutionScalesDownThroughStabilisation() {
    ReconcileLoop loop = loop(CONFIG, 1);
    ticks(loop, 5, 5.0);

    assertThat(loop.alertFloors().fire("fp-1", "stable", 3)).isTrue();
    assertThat(loop.alertFloors().fire("fp-1", "stable", 3)).as("deduplicated").isFalse();
    Decision raised = ticks(loop, 1, 5.0);
    assertThat(raised.desired()).isEqualTo(3);
    assertThat(raised.alertFloor()).isEqualTo(3);
    assertThat(raised.action()).isEqualTo("start 2");
    runtime.completeStart();
    runtime.completeStart();

    assertThat(loop.alertFloors().resolve("fp-1")).isTrue();
    Decision justResolved = ticks(loop, 1, 5.0);
    assertThat(justResolved.desired()).as("stabilised, not at once").isEqualTo(3);
    assertThat(registry.drains).isEmpty();

    ticks(loop, 6, 5.0);
    assertThat(registry.drains).as("after the 5 s stabilisation").hasSize(1);
  }

  @Test
  void disabledDecidesButDoesNotAct() {
    ReconcileLoop loop = loop(CONFIG, 1);
    loop.reconfigure(CONFIG, false);
    Decision d = ticks(loop, 5, 80.0);
    assertThat(d.desired()).isGreaterThan(1);
    assertThat(d.action()).isEqualTo("disabled");
    assertThat(runtime.starts).isEmpty();

    loop.reconfigure(CONFIG.toBuilder().maxReplicas(2).build(), true);
    assertThat(ticks(loop, 1, 80.0).action()).isEqualTo("start 1");
  }

  @Test
  void aFailedStartEndsTheActionAndIsReported() {
    ReconcileLoop loop = loop(CONFIG, 1);
    ticks(loop, 3, 10.0);
    ticks(loop, 1, 50.0);
    assertThat(runtime.starts).hasSize(2);
    runtime.completeStart();
    runtime.failStart("port in use");
    assertThat(failures).singleElement().asString().contains("port in use");
    assertThat(loop.status().get(0).action()).isEqualTo("none");
    Decision next = ticks(loop, 1, 30.0);
    assertThat(next.current()).as("the failed one is not counted").isEqualTo(2);
    assertThat(next.action()).as("2 s back-off after a failed start").startsWith("back-off");
    assertThat(ticks(loop, 1, 30.0).action()).isEqualTo("start 1");
    runtime.failStart("again");
    assertThat(ticks(loop, 3, 30.0).action())
        .as("4 s after the second failure in a row")
        .startsWith("back-off");
    assertThat(ticks(loop, 1, 30.0).action()).isEqualTo("start 1");
  }

  @Test
  void decisionsAreKeptInABoundedRingWithTheirInputs() {
    ReconcileLoop loop = loop(CONFIG, 2);
    ticks(loop, 25, 12.0);
    List<Decision> kept = loop.decisions(100);
    assertThat(kept).hasSize(20);
    assertThat(loop.decisions(3)).containsExactlyElementsOf(kept.subList(17, 20));
    Decision last = kept.get(19);
    assertThat(last.inFlight()).isEqualTo(12);
    assertThat(last.requestsPerSecond()).isEqualTo(1200.0);
    assertThat(last.stableConcurrency()).isEqualTo(12.0);
    assertThat(last.reason()).isNotBlank();
    assertThat(last.forecastRequestsPerSecond()).as("shadow forecast").isEqualTo(1200.0);
    assertThat(last.forecastErrorRequestsPerSecond()).as("a flat rate: no error").isEqualTo(0.0);
  }

  @Test
  void theForecastHorizonIsTheMeasuredStartupP95() {
    AutoscalerConfig active = CONFIG.toBuilder().forecastMode(ForecastMode.ACTIVE).build();
    ReconcileLoop loop = loop(active, 1);
    // a ramp of +1 in flight per second: 3 s ahead (the instances' start-up time) is +3
    Decision d = null;
    for (int s = 1; s <= 8; s++) {
      d = ticks(loop, 1, 2.0 + s);
    }
    assertThat(d.forecastRequestsPerSecond())
        .isCloseTo(1300.0, org.assertj.core.data.Offset.offset(1.0));
    assertThat(d.forecastDesired()).isEqualTo(2);
  }
}
