package com.bankops.autoscaler.signals;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One sample of the balancer's load.
 *
 * @param at when it was taken (the balancer's clock)
 * @param pools by pool name ("stable", "canary")
 */
public record LoadSnapshot(Instant at, Map<String, PoolLoad> pools) {

  public LoadSnapshot {
    Objects.requireNonNull(at, "at");
    pools = Map.copyOf(pools);
  }

  public Optional<PoolLoad> pool(String name) {
    return Optional.ofNullable(pools.get(name));
  }
}
