package com.bankops.balancer.app;

import com.bankops.balancer.config.OutlierConfig;
import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Turns health signals into membership states. A backend is ejected while either its active checks
 * fail or the outlier detector has ejected it; it comes back (warming, with slow start) when both
 * clear. Health filters the pool; it never touches the picker.
 */
final class HealthController {
  private final Membership membership;
  private final LongSupplier nanoClock;
  private final Set<String> failingChecks = ConcurrentHashMap.newKeySet();
  private final Set<String> outliers = ConcurrentHashMap.newKeySet();

  HealthController(Membership membership, OutlierConfig config, LongSupplier nanoClock) {
    this.membership = membership;
    this.nanoClock = nanoClock;
  }

  /** One attempt's outcome, from the data plane (any event loop). */
  void onResult(Member member, boolean success) {}

  /** Called once per second on the control context. */
  void tick() {}

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
