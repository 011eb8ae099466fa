package com.bankops.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.autoscaler.signals.LoadSnapshot;
import com.bankops.autoscaler.signals.PoolLoad;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.routing.LoadTrackerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The balancer's measurements as the autoscaler samples them, on a hand-moved clock. */
class MembershipLoadSignalsTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final Membership membership = new Membership(nanos::get, LoadTrackerConfig.DEFAULTS, 50, 0);
  final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  final MembershipLoadSignals signals =
      new MembershipLoadSignals(membership, Duration.ofSeconds(2), nanos::get, clock);

  @Test
  void aPoolWithoutMembersIsMissingSoTheLoopHolds() {
    LoadSnapshot s = signals.sample();
    assertThat(s.pools()).isEmpty();
    assertThat(s.at()).isEqualTo(clock.instant());
  }

  @Test
  void inFlightRateLatencyAndErrorsComeFromTheMembersAndTheWindow() {
    Member a = membership.add(new Backend("a", PoolName.STABLE, "127.0.0.1", 1, "1")).get();
    Member b = membership.add(new Backend("b", PoolName.STABLE, "127.0.0.1", 2, "1")).get();
    membership.add(new Backend("c", PoolName.STABLE, "127.0.0.1", 3, "1"));
    membership.setState("c", BackendState.DRAINING, "test");
    // 3 requests to a in flight, 1 to b
    for (int i = 0; i < 3; i++) {
      a.load().onStart();
    }
    b.load().onStart();
    // 2 requests wait for a connection to a, 1 to b
    a.load().onQueued();
    a.load().onQueued();
    b.load().onQueued();
    // one second: 100 requests at 10 ms, 2 of them failed, and one at 50 ms
    for (int i = 0; i < 100; i++) {
      membership.poolStats(PoolName.STABLE).record(10_000, i < 2);
      a.stats().record(10_000, false);
    }
    membership.poolStats(PoolName.STABLE).record(50_000, false);
    nanos.addAndGet(1_000_000_000L);

    PoolLoad p = signals.sample().pool("stable").orElseThrow();

    assertThat(p.inFlight()).isEqualTo(4);
    assertThat(p.instance("a").orElseThrow().inFlight()).isEqualTo(3);
    assertThat(p.instance("c").orElseThrow().inFlight()).isZero();
    assertThat(p.readyInstances()).as("draining c takes no traffic").isEqualTo(2);
    assertThat(p.requestsPerSecond()).isEqualTo(101.0);
    assertThat(p.instance("a").orElseThrow().requestsPerSecond()).isEqualTo(100.0);
    assertThat(p.requestCount()).isEqualTo(101);
    assertThat(p.errorRate()).isEqualTo(2 / 101.0);
    assertThat(p.meanLatencyMicros()).isBetween(10_300L, 10_500L);
    assertThat(p.p99LatencyMicros()).isBetween(9_900L, 10_100L);
    assertThat(p.queueDepth()).as("requests waiting for a connection").isEqualTo(3);
    assertThat(signals.sample().pool("canary")).isEmpty();
  }

  /** Health checks timing out on a saturated machine ejected both: panic routes to both. */
  @Test
  void inPanicTheEjectedMembersThatCarryTheTrafficCountAsReady() {
    membership.add(new Backend("a", PoolName.STABLE, "127.0.0.1", 1, "1"));
    membership.add(new Backend("b", PoolName.STABLE, "127.0.0.1", 2, "1"));
    membership.add(new Backend("c", PoolName.STABLE, "127.0.0.1", 3, "1"));
    membership.setState("a", BackendState.EJECTED, "3 failed health checks in a row");
    assertThat(signals.sample().pool("stable").orElseThrow().readyInstances())
        .as("2 of 3 healthy: no panic, ejected a takes no traffic")
        .isEqualTo(2);

    membership.setState("b", BackendState.EJECTED, "3 failed health checks in a row");
    membership.setState("c", BackendState.EJECTED, "3 failed health checks in a row");
    assertThat(membership.snapshot().pool(PoolName.STABLE).panic()).isTrue();
    assertThat(signals.sample().pool("stable").orElseThrow().readyInstances())
        .as("all ejected: panic routes to all three")
        .isEqualTo(3);

    membership.setState("c", BackendState.DRAINING, "scale-in");
    assertThat(signals.sample().pool("stable").orElseThrow().readyInstances())
        .as("a draining member takes no new requests, panic or not")
        .isEqualTo(2);
  }
}
