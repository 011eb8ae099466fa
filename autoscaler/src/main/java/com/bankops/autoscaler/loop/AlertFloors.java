package com.bankops.autoscaler.loop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Replica floors set by firing alerts, one per alert fingerprint (Alertmanager repeats a firing
 * alert; the same fingerprint replaces, never adds). A pool's floor is the highest of its alerts'.
 *
 * <pre>
 *   fire(a1, stable, 3)  → floor(stable) = 3
 *   fire(a2, stable, 5)  → 5
 *   fire(a2, stable, 5)  → 5   (repeat: no change)
 *   resolve(a2)          → 3   (the loop then scales down through the normal path)
 * </pre>
 *
 * Thread-safe: the admin API writes, the loop reads.
 */
public final class AlertFloors {

  /** One firing alert's floor. */
  public record Floor(String fingerprint, String pool, int replicas) {
    public Floor {
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(pool, "pool");
      if (replicas < 0) {
        throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 0)");
      }
    }
  }

  private final Map<String, Floor> byFingerprint = new LinkedHashMap<>();

  /** Sets or replaces the floor of a firing alert; true when something changed. */
  public synchronized boolean fire(String fingerprint, String pool, int replicas) {
    Floor next = new Floor(fingerprint, pool, replicas);
    return !next.equals(byFingerprint.put(fingerprint, next));
  }

  /** Lifts a resolved alert's floor; true when it was set. */
  public synchronized boolean resolve(String fingerprint) {
    return byFingerprint.remove(fingerprint) != null;
  }

  /** The highest floor of the pool's firing alerts, 0 without any. */
  public synchronized int floor(String pool) {
    int floor = 0;
    for (Floor f : byFingerprint.values()) {
      if (f.pool().equals(pool)) {
        floor = Math.max(floor, f.replicas());
      }
    }
    return floor;
  }

  public synchronized java.util.List<Floor> active() {
    return java.util.List.copyOf(byFingerprint.values());
  }
}
