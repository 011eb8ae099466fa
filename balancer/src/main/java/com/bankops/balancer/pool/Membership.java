package com.bankops.balancer.pool;

import com.bankops.balancer.routing.LoadTracker;
import com.bankops.balancer.routing.LoadTrackerConfig;
import com.bankops.balancer.stats.LatencyStats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The one owner of pool membership. Admin, autoscaler and health all change membership through
 * here; each change rebuilds an immutable {@link ClusterSnapshot} and publishes it through one
 * {@link AtomicReference}, which the request path reads once per request without locks. Writers are
 * rare (control plane), so they simply synchronise on this object.
 */
public final class Membership {
  private final LongSupplier nanoClock;
  private final LoadTrackerConfig trackerConfig;
  private final double panicThresholdPercent;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Map<PoolName, LatencyStats> poolStats = new EnumMap<>(PoolName.class);
  private final AtomicReference<ClusterSnapshot> current;
  private final List<MembershipListener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private int canaryBasisPoints;
  private long generation;

  public Membership(
      LongSupplier nanoClock,
      LoadTrackerConfig trackerConfig,
      double panicThresholdPercent,
      int initialCanaryBasisPoints) {
    this.nanoClock = nanoClock;
    this.trackerConfig = trackerConfig;
    this.panicThresholdPercent = panicThresholdPercent;
    this.canaryBasisPoints = checkBasisPoints(initialCanaryBasisPoints);
    for (PoolName p : PoolName.values()) {
      poolStats.put(p, new LatencyStats(nanoClock.getAsLong()));
    }
    this.current = new AtomicReference<>(build());
  }

  public void addListener(MembershipListener listener) {
    listeners.add(listener);
  }

  /** The current snapshot; the request path calls this once per request. */
  public ClusterSnapshot snapshot() {
    return current.get();
  }

  public LatencyStats poolStats(PoolName pool) {
    return poolStats.get(pool);
  }

  /**
   * Adds a backend. It starts {@code warming}: slow start ramps its share of picks up over the
   * configured window, after which {@link #promoteWarmedUp()} makes it {@code active}.
   *
   * @return the new member, or empty when a backend with the same id is already a member
   */
  public Optional<Member> add(Backend backend) {
    Member added;
    synchronized (this) {
      if (members.containsKey(backend.id())) {
        return Optional.empty();
      }
      long now = nanoClock.getAsLong();
      BackendState state =
          trackerConfig.slowStartWindow().isZero() ? BackendState.ACTIVE : BackendState.WARMING;
      added =
          new Member(
              backend, state, new LoadTracker(trackerConfig, now), new LatencyStats(now), "added");
      members.put(backend.id(), added);
      publish();
    }
    listeners.forEach(l -> l.added(added));
    return Optional.of(added);
  }

  /** Changes a member's state; empty when the id is unknown. A no-op change publishes nothing. */
  public Optional<Member> setState(String id, BackendState state, String reason) {
    Member before;
    Member after;
    synchronized (this) {
      before = members.get(id);
      if (before == null) {
        return Optional.empty();
      }
      if (before.state() == state) {
        return Optional.of(before);
      }
      // A draining member never comes back: it is on its way out.
      if (before.state() == BackendState.DRAINING) {
        return Optional.of(before);
      }
      after = before.withState(state, reason);
      members.put(id, after);
      publish();
    }
    listeners.forEach(l -> l.stateChanged(before, after));
    return Optional.of(after);
  }

  public Optional<Member> remove(String id) {
    Member removed;
    synchronized (this) {
      removed = members.remove(id);
      if (removed == null) {
        return Optional.empty();
      }
      publish();
    }
    listeners.forEach(l -> l.removed(removed));
    return Optional.of(removed);
  }

  public void setCanaryBasisPoints(int basisPoints) {
    int before;
    synchronized (this) {
      checkBasisPoints(basisPoints);
      before = canaryBasisPoints;
      if (before == basisPoints) {
        return;
      }
      canaryBasisPoints = basisPoints;
      publish();
    }
    listeners.forEach(l -> l.canaryShareChanged(before, basisPoints));
  }

  /** Warming members whose slow-start window is over become active. Called by the ticker. */
  public void promoteWarmedUp() {
    long now = nanoClock.getAsLong();
    List<String> done = new ArrayList<>();
    synchronized (this) {
      for (Member m : members.values()) {
        if (m.state() == BackendState.WARMING && m.load().weight(now) >= 1.0) {
          done.add(m.id());
        }
      }
    }
    done.forEach(id -> setState(id, BackendState.ACTIVE, "slow start complete"));
  }

  /** Rotates the interval histograms of every backend and pool. Called once per second. */
  public void tickStats() {
    long now = nanoClock.getAsLong();
    poolStats.values().forEach(s -> s.tick(now));
    current.get().stable().members().forEach(m -> m.stats().tick(now));
    current.get().canary().members().forEach(m -> m.stats().tick(now));
  }

  private static int checkBasisPoints(int bp) {
    if (bp < 0 || bp > 10_000) {
      throw new IllegalArgumentException("canaryBasisPoints: " + bp + " (expected: 0..10000)");
    }
    return bp;
  }

  private void publish() {
    current.set(build());
  }

  private ClusterSnapshot build() {
    List<Member> stable = new ArrayList<>();
    List<Member> canary = new ArrayList<>();
    for (Member m : members.values()) {
      (m.backend().pool() == PoolName.CANARY ? canary : stable).add(m);
    }
    return new ClusterSnapshot(
        ++generation,
        PoolSnapshot.of(PoolName.STABLE, stable, panicThresholdPercent),
        PoolSnapshot.of(PoolName.CANARY, canary, panicThresholdPercent),
        canaryBasisPoints);
  }
}
