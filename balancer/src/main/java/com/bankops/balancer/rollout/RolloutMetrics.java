package com.bankops.balancer.rollout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rollout's metrics, declared once. Dashboards rely on these names:
 *
 * <pre>
 *   bankops_rollout_phase{phase="running|paused|awaiting_approval|rolling_back|rolled_back|promoted"}
 *                                              1 for the newest rollout's phase, 0 for the others
 *   bankops_rollout_step_percent               the canary share the rollout holds now
 *   bankops_rollout_analysis_total{result="pass|fail|inconclusive"}
 *   bankops_rollout_rollbacks_total
 *   bankops_rollout_analysis_error_rate{pool}  figures of the last analysis, per pool
 *   bankops_rollout_analysis_p99_seconds{pool}
 * </pre>
 */
final class RolloutMetrics {
  private final AtomicReference<Rollout> current = new AtomicReference<>();
  private final Map<Verdict.Result, Counter> analyses = new EnumMap<>(Verdict.Result.class);
  private final Counter rollbacks;
  private volatile PoolFigures lastCanary = PoolFigures.NONE;
  private volatile PoolFigures lastStable = PoolFigures.NONE;

  RolloutMetrics(MeterRegistry registry) {
    for (Phase p : Phase.values()) {
      Gauge.builder(
              "bankops_rollout_phase",
              current,
              c -> c.get() != null && c.get().phase() == p ? 1 : 0)
          .tag("phase", p.wire())
          .description("1 for the phase the newest rollout is in")
          .register(registry);
    }
    Gauge.builder(
            "bankops_rollout_step_percent",
            current,
            c -> c.get() == null ? 0 : c.get().promoting() ? 100 : c.get().stepPercent())
        .description("The canary share the rollout holds, in percent")
        .register(registry);
    for (Verdict.Result r : Verdict.Result.values()) {
      analyses.put(
          r,
          Counter.builder("bankops_rollout_analysis")
              .tag("result", r.wire())
              .description("Step analyses by result")
              .register(registry));
    }
    rollbacks =
        Counter.builder("bankops_rollout_rollbacks")
            .description("Rollouts rolled back (analysis, kill switch, abort, failures)")
            .register(registry);
    for (String pool : new String[] {"canary", "stable"}) {
      boolean canary = pool.equals("canary");
      Gauge.builder(
              "bankops_rollout_analysis_error_rate",
              this,
              m -> (canary ? m.lastCanary : m.lastStable).errorRate())
          .tag("pool", pool)
          .description("Error rate of the pool over the last analysis window")
          .register(registry);
      Gauge.builder(
              "bankops_rollout_analysis_p99_seconds",
              this,
              m -> (canary ? m.lastCanary : m.lastStable).p99Micros() / 1e6)
          .tag("pool", pool)
          .description("p99 latency of the pool over the last analysis window")
          .register(registry);
    }
  }

  void current(Rollout r) {
    current.set(r);
  }

  void analysed(Verdict v, PoolFigures canary, PoolFigures stable) {
    analyses.get(v.result()).increment();
    lastCanary = canary;
    lastStable = stable;
  }

  void rolledBack() {
    rollbacks.increment();
  }
}
