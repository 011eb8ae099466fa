package com.bankops.balancer.console;

import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.MembershipListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts how often each backend was ejected (health checks or outlier detection) while a member.
 */
public final class EjectionCounter implements MembershipListener {
  private final Map<String, Long> ejections = new ConcurrentHashMap<>();

  @Override
  public void stateChanged(Member before, Member after) {
    if (after.state() == BackendState.EJECTED && before.state() != BackendState.EJECTED) {
      ejections.merge(after.id(), 1L, Long::sum);
    }
  }

  @Override
  public void removed(Member member) {
    ejections.remove(member.id());
  }

  public long ejections(String id) {
    return ejections.getOrDefault(id, 0L);
  }
}
