package com.bankops.balancer.scaling;

import com.bankops.autoscaler.registry.BackendRegistry;
import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.PoolName;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The appliance's membership as the autoscaler changes it: {@link #addBackend} adds a member, which
 * warms up with slow start; {@link #drainAndRemove} goes through {@link Appliance#drain} (no new
 * requests at once, removal when idle or at the deadline) and completes once the member is gone.
 */
final class MembershipBackendRegistry implements BackendRegistry {
  /** How often a drain's completion is checked. */
  static final long POLL_MS = 50;

  /** Past the deadline, the appliance's own drain timer should have removed the member. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  private final Appliance appliance;
  private final Vertx vertx;
  private final LongSupplier nanoClock;

  MembershipBackendRegistry(Appliance appliance, Vertx vertx, LongSupplier nanoClock) {
    this.appliance = appliance;
    this.vertx = vertx;
    this.nanoClock = nanoClock;
  }

  @Override
  public CompletableFuture<Void> addBackend(
      String pool, String id, String host, int port, String version) {
    PoolName name = PoolName.fromWire(pool).orElse(null);
    if (name == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("pool: " + pool + " (expected: stable or canary)"));
    }
    return appliance.membership().add(new Backend(id, name, host, port, version)).isPresent()
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(
            new IllegalStateException("backend " + id + " is already a member"));
  }

  @Override
  public CompletableFuture<Void> drainAndRemove(String id, Duration deadline) {
    CompletableFuture<Void> gone = new CompletableFuture<>();
    if (appliance.drain(id, deadline).isEmpty()) {
      gone.complete(null);
      return gone;
    }
    long giveUp = nanoClock.getAsLong() + deadline.plus(MARGIN).toNanos();
    vertx.setPeriodic(
        POLL_MS,
        timer -> {
          boolean removed = appliance.membership().snapshot().member(id).isEmpty();
          if (removed || nanoClock.getAsLong() - giveUp >= 0) {
            vertx.cancelTimer(timer);
            if (removed) {
              gone.complete(null);
            } else {
              gone.completeExceptionally(
                  new IllegalStateException(
                      "backend " + id + " still a member " + MARGIN + " after its drain deadline"));
            }
          }
        });
    return gone;
  }
}
