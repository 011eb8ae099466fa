package com.bankops.balancer.app;

import com.bankops.balancer.config.OutlierConfig;
import com.bankops.balancer.health.EjectionReason;
import com.bankops.balancer.health.OutlierDetector;
import com.bankops.balancer.health.OutlierListener;
import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.MembershipListener;
import com.bankops.balancer.pool.PoolName;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Turns health signals into membership states. A backend is ejected while either its active checks
 * fail or the pool's outlier detector has ejected it; it comes back warming (slow start again) when
 * both clear. Health filters the pool; it never touches the picker.
 */
final class HealthController {
  private final Membership membership;
  private final LongSupplier nanoClock;
  private final Map<PoolName, OutlierDetector> detectors = new EnumMap<>(PoolName.class);
  private final Set<String> failingChecks = ConcurrentHashMap.newKeySet();
  private final Set<String> outliers = ConcurrentHashMap.newKeySet();

  HealthController(Membership membership, OutlierConfig config, LongSupplier nanoClock) {
    this.membership = membership;
    this.nanoClock = nanoClock;
    com.bankops.balancer.health.OutlierConfig detection =
        new com.bankops.balancer.health.OutlierConfig(
            config.consecutiveFailures(),
            config.failurePercent(),
            config.minimumVolume(),
            Duration.ofMillis(config.intervalMs()),
            Duration.ofMillis(config.baseEjectionMs()),
            Duration.ofMillis(config.maxEjectionMs()),
            config.maxEjectionPercent());
    OutlierListener listener =
        new OutlierListener() {
          @Override
          public void onEject(String id, EjectionReason reason, Duration time, long now) {
            outliers.add(id);
            apply(id, "outlier: " + reason.wire() + " for " + time.toSeconds() + "s");
          }

          @Override
          public void onUneject(String id, long now) {
            outliers.remove(id);
            apply(id, "outlier ejection expired");
          }
        };
    for (PoolName p : PoolName.values()) {
      detectors.put(
          p,
          new OutlierDetector(
              detection,
              nanoClock,
              () -> membership.snapshot().pool(p).members().size(),
              listener));
    }
    membership.addListener(
        new MembershipListener() {
          @Override
          public void removed(Member m) {
            detectors.get(m.backend().pool()).remove(m.id());
            failingChecks.remove(m.id());
            outliers.remove(m.id());
          }
        });
  }

  /** One attempt's outcome, from the data plane (any event loop). */
  void onResult(Member member, boolean success) {
    detectors.get(member.backend().pool()).onResult(member.id(), success);
  }

  /** Called once per second on the control context: ends ejections whose time is over. */
  void tick() {
    long now = nanoClock.getAsLong();
    detectors.values().forEach(d -> d.expire(now));
  }

  void activeCheckChanged(Member member, boolean healthy, String reason) {
    if (healthy) {
      failingChecks.remove(member.id());
    } else {
      failingChecks.add(member.id());
    }
    apply(member.id(), reason);
  }

  private void apply(String id, String reason) {
    boolean eject = failingChecks.contains(id) || outliers.contains(id);
    membership
        .snapshot()
        .member(id)
        .ifPresent(
            m -> {
              if (eject && m.state() != BackendState.EJECTED) {
                membership.setState(id, BackendState.EJECTED, reason);
              } else if (!eject && m.state() == BackendState.EJECTED) {
                m.load().restartWarmup(nanoClock.getAsLong());
                membership.setState(id, BackendState.WARMING, reason);
              }
            });
  }
}
