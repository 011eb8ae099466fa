package com.bankops.autoscaler.policy;

import com.bankops.autoscaler.policy.ScalingDecision.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The decision, step by step (each step that changes the number adds a clause to the reason):
 *
 * <ol>
 *   <li>No load sample in the stable window, or the newest older than {@code staleAfter}: hold the
 *       current count (raised to min or the alert floor), never scale in.
 *   <li>want = ⌈concurrency ÷ targetConcurrency⌉ for the stable and the panic window.
 *   <li>Panic when panic want ÷ ready ≥ {@code panicThreshold}; it lasts one stable window after
 *       the condition last held and never goes below current. Otherwise the stable want, unless
 *       concurrency ÷ (ready × target) is within 1 ± tolerance, which keeps current.
 *   <li>CPU (when fresh): ⌈ready × utilisation ÷ target⌉ (current within tolerance); the larger
 *       wins.
 *   <li>Forecast (ACTIVE): the larger wins; it never lowers. SHADOW only reports it.
 *   <li>Alert floor: the larger wins. This is the recommendation the history keeps.
 *   <li>Scale-down stabilisation: going down, only to the highest recommendation of the last {@code
 *       scaleDownStabilization}.
 *   <li>Rate limits: up to max(ready × maxScaleUpRate, ready + maxScaleUpStep), never below
 *       current; down to no less than current ÷ maxScaleDownRate.
 *   <li>Clamp to [max(minReplicas, alert floor), maxReplicas].
 * </ol>
 */
final class ConcurrencyScalingPolicy implements ScalingPolicy {

  private final AutoscalerConfig config;

  ConcurrencyScalingPolicy(AutoscalerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public AutoscalerConfig config() {
    return config;
  }

  @Override
  public ScalingDecision decide(ScalingInput in) {
    Instant now = in.now();
    int current = in.currentReplicas();
    int ready = in.readyReplicas();
    double target = config.targetConcurrency();
    int floor = Math.min(Math.max(config.minReplicas(), in.alertFloor()), config.maxReplicas());
    LoadObservation load = in.load();

    if (load.stable().isEmpty()) {
      return hold(in, floor, "no load samples in the last " + secs(config.stableWindow()));
    }
    Duration age = Duration.between(load.newest(), now);
    if (age.compareTo(config.staleAfter()) > 0) {
      return hold(
          in,
          floor,
          "load signals stale (newest "
              + secs(age)
              + " old, limit "
              + secs(config.staleAfter())
              + ")");
    }

    double stableConcurrency = load.stable().value();
    double panicConcurrency = load.panic().isEmpty() ? stableConcurrency : load.panic().value();
    int stableWant = Concurrency.instancesFor(stableConcurrency, target);
    int panicWant = Concurrency.instancesFor(panicConcurrency, target);

    ScalingHistory history = in.history();
    boolean burst = panicWant >= config.panicThreshold() * Math.max(ready, 1);
    if (burst) {
      history = history.withPanicUntil(now.plus(config.stableWindow()));
    }
    StringBuilder reason = new StringBuilder();
    Mode mode;
    double used;
    int recommendation;
    if (burst || history.panicking(now)) {
      mode = Mode.PANIC;
      used = panicConcurrency;
      recommendation = Math.max(Math.max(panicWant, stableWant), current);
      reason.append(
          fmt(
              "panic: concurrency %.1f over %s is %.1fx what %d ready carry at target %.1f -> %d",
              panicConcurrency,
              secs(config.panicWindow()),
              panicConcurrency / (Math.max(ready, 1) * target),
              ready,
              target,
              recommendation));
      if (!burst) {
        reason.append(fmt(" (panic lasts until %s, no scale-down)", history.panicUntil()));
      }
    } else {
      mode = Mode.STABLE;
      used = stableConcurrency;
      double ratio = ready == 0 ? Double.NaN : stableConcurrency / (ready * target);
      if (ready > 0 && Math.abs(ratio - 1) <= config.tolerance()) {
        recommendation = current;
        reason.append(
            fmt(
                "within tolerance: concurrency %.1f is %.2f of %d ready x target %.1f (+-%.0f%%)"
                    + " -> keep %d",
                stableConcurrency, ratio, ready, target, config.tolerance() * 100, current));
      } else {
        recommendation = stableWant;
        reason.append(
            fmt(
                "stable: concurrency %.1f over %s at target %.1f per instance -> %d",
                stableConcurrency, secs(config.stableWindow()), target, stableWant));
      }
    }

    recommendation = applyCpu(in, recommendation, reason);

    ForecastObservation forecast = in.forecast();
    int forecastWant =
        forecast.isPresent() ? Concurrency.instancesFor(forecast.concurrency(), target) : 0;
    if (forecast.isPresent() && config.forecastMode() == ForecastMode.ACTIVE) {
      if (forecastWant > recommendation) {
        recommendation = forecastWant;
        reason.append(
            fmt(
                "; forecast: %.1f rps in %s at %.0f ms mean -> %d",
                forecast.requestsPerSecond(),
                secs(forecast.horizon()),
                forecast.meanLatencySeconds() * 1000,
                forecastWant));
      } else {
        reason.append(fmt("; forecast asks %d, never removes capacity", forecastWant));
      }
    } else if (forecast.isPresent() && config.forecastMode() == ForecastMode.SHADOW) {
      reason.append(fmt("; forecast (shadow) would ask %d", forecastWant));
    }

    if (in.alertFloor() > recommendation) {
      recommendation = in.alertFloor();
      reason.append(fmt("; alert floor %d", in.alertFloor()));
    }
    history = history.record(now, recommendation, config.scaleDownStabilization());

    int desired = recommendation;
    if (desired < current) {
      int highest = history.highestSince(now, config.scaleDownStabilization(), desired);
      int stabilised = Math.min(current, Math.max(desired, highest));
      if (stabilised > desired) {
        desired = stabilised;
        reason.append(
            fmt(
                "; scale-down stabilised at %d (highest recommendation in the last %s)",
                desired, secs(config.scaleDownStabilization())));
      }
    }
    desired = applyRateLimits(current, ready, desired, reason);
    if (desired > config.maxReplicas()) {
      desired = config.maxReplicas();
      reason.append(fmt("; capped at maxReplicas %d", desired));
    }
    if (desired < floor) {
      desired = floor;
      reason.append(
          floor > config.minReplicas()
              ? fmt("; raised to alert floor %d", floor)
              : fmt("; raised to minReplicas %d", floor));
    }
    return new ScalingDecision(
        desired, current, reason.toString(), mode, used, forecastWant, history);
  }

  private int applyCpu(ScalingInput in, int recommendation, StringBuilder reason) {
    CpuObservation cpu = in.cpu();
    int ready = in.readyReplicas();
    if (!cpu.isPresent() || ready == 0) {
      return recommendation;
    }
    Duration age = Duration.between(cpu.measuredAt(), in.now());
    if (age.compareTo(config.cpuStaleAfter()) > 0) {
      reason.append(fmt("; cpu ignored (stale, %s old)", secs(age)));
      return recommendation;
    }
    double ratio = cpu.utilization() / config.targetCpuUtilization();
    int cpuWant =
        Math.abs(ratio - 1) <= config.tolerance()
            ? in.currentReplicas()
            : (int) Math.ceil(ready * ratio - 1e-9);
    if (cpuWant <= recommendation) {
      return recommendation;
    }
    reason.append(
        fmt(
            "; cpu: utilisation %.2f vs target %.2f over %d ready -> %d",
            cpu.utilization(), config.targetCpuUtilization(), ready, cpuWant));
    return cpuWant;
  }

  private int applyRateLimits(int current, int ready, int desired, StringBuilder reason) {
    if (desired > current) {
      int limit =
          Math.max(
              current,
              Math.max(
                  (int) Math.ceil(ready * config.maxScaleUpRate() - 1e-9),
                  ready + config.maxScaleUpStep()));
      if (desired > limit) {
        reason.append(
            fmt(
                "; limited by max scale-up to %d (x%.1f or +%d from %d ready)",
                limit, config.maxScaleUpRate(), config.maxScaleUpStep(), ready));
        return limit;
      }
    } else if (desired < current) {
      // ⌈current ÷ rate⌉: 10 → 5, 3 → 2; a single instance may go (to min, when min is 0)
      int limit = current <= 1 ? 0 : (int) Math.ceil(current / config.maxScaleDownRate() - 1e-9);
      if (desired < limit) {
        reason.append(
            fmt(
                "; limited by max scale-down to %d (/%.1f from %d)",
                limit, config.maxScaleDownRate(), current));
        return limit;
      }
    }
    return desired;
  }

  private ScalingDecision hold(ScalingInput in, int floor, String why) {
    int current = in.currentReplicas();
    int desired = Math.max(current, floor);
    String reason = "hold: " + why + " -> keep " + current;
    if (desired > current) {
      reason +=
          floor > config.minReplicas()
              ? fmt("; raised to alert floor %d", floor)
              : fmt("; raised to minReplicas %d", floor);
    }
    ScalingHistory history =
        in.history().record(in.now(), desired, config.scaleDownStabilization());
    return new ScalingDecision(desired, current, reason, Mode.HOLD, 0, 0, history);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /** 60s, 1.5s, 250ms. */
  static String secs(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 == 0) {
      return (millis / 1000) + "s";
    }
    return millis < 1000 ? millis + "ms" : fmt("%.1fs", millis / 1000.0);
  }
}
