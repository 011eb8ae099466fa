package com.bankops.balancer.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Passive outlier detection for one pool, after Envoy: ejects a backend that fails too often,
 * judged from the responses the data plane reports. It only decides and tells; the pool owner
 * filters ejected members out of the snapshot it publishes (and puts them back in panic mode).
 *
 * <pre>
 * 5 failures in a row                                → eject (consecutive_failures)
 * ≥ 50% failures among ≥ 20 results in a 10 s interval → eject (failure_percentage)
 * n-th ejection lasts min(n × 30 s, 300 s); each clean 10 s interval takes one off n
 * never more than 50% of the pool ejected at once: a pool of 2 may lose 1, a pool of 1 none
 * </pre>
 *
 * <p>Time comes from the injected clock; there are no threads: an ejection ends when its time is
 * over ({@link #isEjected} turns false at once) and the end is announced by {@link #expire}, which
 * the owner calls about once per second, or by the backend's next result.
 *
 * <p>Thread-safe. A result takes the backend's own monitor for a few arithmetic operations; only an
 * ejection, which is rare, takes the detector-wide lock to respect the ejection cap.
 */
public final class OutlierDetector {

  private final OutlierConfig config;
  private final LongSupplier nanoClock;
  private final IntSupplier poolSize;
  private final OutlierListener listener;
  private final long intervalNanos;
  private final long baseNanos;
  private final long maxNanos;
  private final ConcurrentHashMap<String, Host> hosts = new ConcurrentHashMap<>();

  /**
   * @param poolSize the current number of members of the pool, for the ejection cap
   */
  public OutlierDetector(
      OutlierConfig config,
      LongSupplier nanoClock,
      IntSupplier poolSize,
      OutlierListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.poolSize = Objects.requireNonNull(poolSize, "poolSize");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.intervalNanos = config.interval().toNanos();
    this.baseNanos = config.baseEjectionTime().toNanos();
    this.maxNanos = config.maxEjectionTime().toNanos();
  }

  /** With {@link OutlierConfig#DEFAULTS} and no listener. */
  public OutlierDetector(LongSupplier nanoClock, IntSupplier poolSize) {
    this(OutlierConfig.DEFAULTS, nanoClock, poolSize, OutlierListener.noop());
  }

  public OutlierConfig config() {
    return config;
  }

  /**
   * Reports the outcome of one request to a backend. Results of a backend while it is ejected
   * (panic-mode traffic) are ignored.
   */
  public void onResult(String backendId, boolean success) {
    Objects.requireNonNull(backendId, "backendId");
    long now = nanoClock.getAsLong();
    Host host = hosts.computeIfAbsent(backendId, Host::new);
    EjectionReason reason;
    boolean unejected;
    synchronized (host) {
      if (host.ejectedAt(now)) {
        return;
      }
      unejected = host.unejectIfOver(now);
      reason = host.count(success, now);
    }
    if (unejected) {
      listener.onUneject(backendId, now);
    }
    if (reason != null) {
      tryEject(host, reason, now);
    }
  }

  public boolean isEjected(String backendId, long nowNanos) {
    Host host = hosts.get(backendId);
    return host != null && host.ejectedAt(nowNanos);
  }

  /** The backends ejected at {@code nowNanos}, sorted. */
  public Set<String> ejected(long nowNanos) {
    TreeSet<String> ids = new TreeSet<>();
    for (Host host : hosts.values()) {
      if (host.ejectedAt(nowNanos)) {
        ids.add(host.id);
      }
    }
    return Collections.unmodifiableSet(ids);
  }

  /** The current ejection of a backend, if any. */
  public Optional<Ejection> ejection(String backendId, long nowNanos) {
    Host host = hosts.get(backendId);
    if (host == null) {
      return Optional.empty();
    }
    synchronized (host) {
      if (!host.ejectedAt(nowNanos)) {
        return Optional.empty();
      }
      return Optional.of(new Ejection(host.id, host.reason, host.ejectedUntil, host.multiplier));
    }
  }

  /**
   * Ends the ejections whose time is over, tells the listener, and returns those backends (sorted).
   * Call about once per second.
   */
  public List<String> expire(long nowNanos) {
    List<String> ended = new ArrayList<>();
    for (Host host : hosts.values()) {
      synchronized (host) {
        if (host.unejectIfOver(nowNanos)) {
          ended.add(host.id);
        }
      }
    }
    Collections.sort(ended);
    for (String id : ended) {
      listener.onUneject(id, nowNanos);
    }
    return ended;
  }

  /** Forgets a backend that left the pool. No event is sent. */
  public void remove(String backendId) {
    hosts.remove(backendId);
  }

  private void tryEject(Host host, EjectionReason reason, long now) {
    Duration ejectedFor;
    synchronized (this) {
      if (!mayEjectOneMore(now)) {
        return;
      }
      synchronized (host) {
        if (host.ejectedAt(now)) {
          return; // another thread got there first
        }
        long nanos = host.eject(reason, now, intervalNanos, baseNanos, maxNanos);
        ejectedFor = Duration.ofNanos(nanos);
      }
    }
    listener.onEject(host.id, reason, ejectedFor, now);
  }

  /** {@code (ejected + 1) ≤ pool × max%}: the cap is never exceeded, not even by one. */
  private boolean mayEjectOneMore(long now) {
    int ejectedNow = 0;
    for (Host h : hosts.values()) {
      if (h.ejectedAt(now)) {
        ejectedNow++;
      }
    }
    return (ejectedNow + 1) * 100.0 <= poolSize.getAsInt() * config.maxEjectionPercent();
  }

  /** Per-backend record, guarded by its monitor; the two volatile fields are also read without. */
  private final class Host {
    final String id;
    int consecutiveFailures;
    long intervalStart;
    boolean intervalStarted;
    int intervalTotal;
    int intervalFailures;
    volatile boolean ejected;
    volatile long ejectedUntil;
    EjectionReason reason;
    int multiplier;
    long lastUnejected;

    Host(String id) {
      this.id = id;
    }

    boolean ejectedAt(long now) {
      // Lock-free for the request path: the deadline is written before the flag is raised.
      return ejected && now - ejectedUntil < 0;
    }

    boolean unejectIfOver(long now) {
      if (!ejected || now - ejectedUntil < 0) {
        return false;
      }
      ejected = false;
      lastUnejected = ejectedUntil;
      resetCounts(now);
      return true;
    }

    /** Counts a result and returns the reason to eject, or null. */
    EjectionReason count(boolean success, long now) {
      if (!intervalStarted || now - intervalStart >= intervalNanos) {
        intervalStart = now;
        intervalStarted = true;
        intervalTotal = 0;
        intervalFailures = 0;
      }
      intervalTotal++;
      if (success) {
        consecutiveFailures = 0;
      } else {
        intervalFailures++;
        consecutiveFailures++;
      }
      if (config.consecutiveFailures() > 0 && consecutiveFailures >= config.consecutiveFailures()) {
        return EjectionReason.CONSECUTIVE_FAILURES;
      }
      if (config.failurePercentageThreshold() > 0
          && intervalTotal >= config.failurePercentageMinimumVolume()
          && intervalFailures * 100.0 >= config.failurePercentageThreshold() * intervalTotal) {
        return EjectionReason.FAILURE_PERCENTAGE;
      }
      return null;
    }

    /** Ejects and returns for how long. */
    long eject(EjectionReason why, long now, long interval, long base, long max) {
      if (multiplier > 0) {
        long cleanIntervals = Math.max(0, (now - lastUnejected) / interval);
        multiplier = (int) Math.max(0, multiplier - cleanIntervals);
      }
      multiplier = Math.min(multiplier + 1, 1_000_000);
      long nanos = base > max / multiplier ? max : Math.min(max, base * multiplier);
      reason = why;
      ejectedUntil = now + nanos; // before the flag, for lock-free readers
      ejected = true;
      resetCounts(now);
      return nanos;
    }

    private void resetCounts(long now) {
      consecutiveFailures = 0;
      intervalStart = now;
      intervalStarted = true;
      intervalTotal = 0;
      intervalFailures = 0;
    }
  }
}
