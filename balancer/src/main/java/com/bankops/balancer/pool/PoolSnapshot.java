package com.bankops.balancer.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Immutable view of one pool. {@code candidates} is what the picker chooses from: the members that
 * take traffic, or — in panic, when fewer than the threshold share are healthy — every member that
 * is not draining or starting, so that a pool with mostly ejected members still spreads load
 * instead of crushing the one survivor.
 */
public record PoolSnapshot(
    PoolName name, List<Member> members, List<Member> candidates, boolean panic) {

  public PoolSnapshot {
    members = List.copyOf(members);
    candidates = List.copyOf(candidates);
  }

  static PoolSnapshot of(PoolName name, List<Member> members, double panicThresholdPercent) {
    List<Member> healthy = new ArrayList<>();
    List<Member> eligible = new ArrayList<>();
    for (Member m : members) {
      if (m.state().takesTraffic()) {
        healthy.add(m);
      }
      if (m.state().takesTraffic() || m.state() == BackendState.EJECTED) {
        eligible.add(m);
      }
    }
    boolean panic =
        !eligible.isEmpty() && healthy.size() * 100.0 < eligible.size() * panicThresholdPercent;
    return new PoolSnapshot(name, members, panic ? eligible : healthy, panic);
  }

  public boolean isEmpty() {
    return candidates.isEmpty();
  }
}
