package com.bankops.balancer.pool;

import java.util.Optional;

/**
 * Everything the request path needs, read once per request: both pools and the canary share in
 * basis points (0..10000). Rebuilt and swapped whole on any change.
 */
public record ClusterSnapshot(
    long generation, PoolSnapshot stable, PoolSnapshot canary, int canaryBasisPoints) {

  public PoolSnapshot pool(PoolName name) {
    return name == PoolName.CANARY ? canary : stable;
  }

  public Optional<Member> member(String id) {
    for (Member m : stable.members()) {
      if (m.id().equals(id)) {
        return Optional.of(m);
      }
    }
    for (Member m : canary.members()) {
      if (m.id().equals(id)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
