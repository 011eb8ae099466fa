package com.bankops.bench;

import com.bankops.balancer.routing.CanarySplit;
import com.bankops.balancer.routing.LoadTracker;
import com.bankops.balancer.routing.LoadTrackerConfig;
import com.bankops.balancer.routing.Picker;
import com.bankops.balancer.routing.Pickers;
import com.bankops.balancer.stats.LatencyStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request routing and recording path of the balancer, one step at a time, in ns/op:
 *
 * <pre>
 * canary split      CanarySplit.bucketOf(key) + inCanary(bucket, 10%)   (once per request)
 * p2c pick          P2C peak-EWMA over a pool snapshot of 4 / 16         (once per attempt)
 * load tracking     LoadTracker.onStart + onEnd                         (once per attempt)
 * latency record    LatencyStats.record                                 (twice per attempt:
 *                                                                        backend and pool)
 * </pre>
 *
 * Single-threaded (one event loop). Run with bench/jmh.sh.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RoutingBenchmark {
  private static final int KEYS = 1024; // a power of two
  private static final LoadTrackerConfig NO_SLOW_START =
      LoadTrackerConfig.DEFAULTS.withSlowStartWindow(Duration.ZERO);

  /** A pool snapshot of {@code poolSize} members with some history. */
  @State(Scope.Thread)
  public static class Pool {
    @Param({"4", "16"})
    public int poolSize;

    List<LoadTracker> members;
    Picker picker;

    @Setup(Level.Trial)
    public void setUp() {
      long now = System.nanoTime();
      members = new ArrayList<>(poolSize);
      for (int i = 0; i < poolSize; i++) {
        LoadTracker t = new LoadTracker(NO_SLOW_START, now - 60_000_000_000L);
        // a latency estimate and a few requests in flight, different per member
        for (int k = 0; k <= i % 3; k++) {
          t.onStart();
        }
        t.onStart();
        t.onEnd(200_000L + 37_000L * i, false, now);
        members.add(t);
      }
      picker = Pickers.powerOfTwoChoices(new SplittableRandom(7));
    }
  }

  private String[] keys;
  private int next;
  private LoadTracker tracker;
  private LatencyStats stats;
  private long now;
  private SplittableRandom random;

  @Setup(Level.Trial)
  public void setUp() {
    random = new SplittableRandom(42);
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = CanarySplit.newClientKey(random); // what the bank_canary cookie holds
    }
    now = System.nanoTime();
    tracker = new LoadTracker(NO_SLOW_START, now - 60_000_000_000L);
    stats = new LatencyStats(now);
  }

  private String nextKey() {
    return keys[next++ & (KEYS - 1)];
  }

  @Benchmark
  public boolean canarySplit() {
    return CanarySplit.inCanary(CanarySplit.bucketOf(nextKey()), 1000);
  }

  /** A request without a cookie: a fresh key for the Set-Cookie, and its bucket. */
  @Benchmark
  public boolean newKeyCanarySplit() {
    return CanarySplit.inCanary(CanarySplit.bucketOf(CanarySplit.newClientKey(random)), 1000);
  }

  @Benchmark
  public int p2cPick(Pool pool) {
    now += 1_000; // time moves on: the idle decay and the slow-start weights are computed
    return pool.picker.pick(pool.members, now);
  }

  @Benchmark
  public void loadTrackerStartEnd() {
    now += 1_000;
    tracker.onStart();
    tracker.onEnd(250_000L + (now & 0xffff), false, now);
  }

  @Benchmark
  public void latencyStatsRecord() {
    now += 1_000;
    stats.record(250 + (now >>> 10 & 0x3ff), false);
  }

  /** Everything one request costs on the routing/recording path, one backend attempt. */
  @Benchmark
  public void wholeRequestPath(Pool pool) {
    now += 1_000;
    if (CanarySplit.inCanary(CanarySplit.bucketOf(nextKey()), 1000)) {
      now++; // same work either way in this benchmark: one pool
    }
    int i = pool.picker.pick(pool.members, now);
    LoadTracker member = pool.members.get(i);
    member.onStart();
    long latency = 250_000L + (now & 0xffff);
    member.onEnd(latency, false, now);
    stats.record(latency / 1000, false); // the backend's stats
    stats.record(latency / 1000, false); // the pool's stats
  }
}
