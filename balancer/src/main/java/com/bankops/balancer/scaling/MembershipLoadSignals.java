package com.bankops.balancer.scaling;

import com.bankops.autoscaler.signals.InstanceLoad;
import com.bankops.autoscaler.signals.LoadSignals;
import com.bankops.autoscaler.signals.LoadSnapshot;
import com.bankops.autoscaler.signals.PoolLoad;
import com.bankops.balancer.pool.ClusterSnapshot;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.pool.PoolSnapshot;
import com.bankops.balancer.stats.LatencyStats;
import com.bankops.balancer.stats.WindowSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The balancer's own measurements as the autoscaler reads them, from the published membership
 * snapshot (in-flight per backend, states) and the latency windows (rate, mean, p99, errors over
 * {@code window}). A pool without members is left out.
 *
 * <p>Queue depth is reported as 0: requests waiting for a backend connection sit in the Vert.x
 * client's per-backend wait queue, which the data plane does not expose. In-flight counts them
 * already (a request is in flight from pick to response), so the demand is not under-counted.
 */
final class MembershipLoadSignals implements LoadSignals {
  private final Membership membership;
  private final Duration window;
  private final LongSupplier nanoClock;
  private final Clock clock;

  MembershipLoadSignals(
      Membership membership, Duration window, LongSupplier nanoClock, Clock clock) {
    this.membership = membership;
    this.window = window;
    this.nanoClock = nanoClock;
    this.clock = clock;
  }

  @Override
  public LoadSnapshot sample() {
    long now = nanoClock.getAsLong();
    ClusterSnapshot cluster = membership.snapshot();
    Map<String, PoolLoad> pools = new HashMap<>();
    for (PoolName name : PoolName.values()) {
      PoolSnapshot pool = cluster.pool(name);
      if (pool.members().isEmpty()) {
        continue;
      }
      pools.put(name.wire(), poolLoad(name, pool, membership.poolStats(name), now));
    }
    return new LoadSnapshot(clock.instant(), pools);
  }

  private PoolLoad poolLoad(PoolName name, PoolSnapshot pool, LatencyStats stats, long now) {
    Map<String, InstanceLoad> instances = new HashMap<>();
    int inFlight = 0;
    int queued = 0;
    for (Member m : pool.members()) {
      queued += m.queued();
      int memberInFlight = m.inFlight();
      inFlight += memberInFlight;
      double rps = m.stats().window(window, now).rps();
      instances.put(m.id(), new InstanceLoad(m.id(), memberInFlight, rps));
    }
    // the members new requests go to: in panic (most ejected, e.g. health checks timing out on a
    // saturated machine) that includes the ejected ones, which carry the load; counting them as 0
    // ready would shrink the autoscaler's scale-up limit (x rate or + step from ready) to nothing
    int ready = pool.candidates().size();
    WindowSnapshot w = stats.window(window, now);
    Histogram h = stats.histogram(window, now);
    long mean = h.getTotalCount() == 0 ? 0 : Math.round(h.getMean());
    return new PoolLoad(
        name.wire(),
        window,
        inFlight,
        w.rps(),
        mean,
        w.p99(),
        w.errorRate(),
        queued,
        ready,
        w.count(),
        instances);
  }
}
