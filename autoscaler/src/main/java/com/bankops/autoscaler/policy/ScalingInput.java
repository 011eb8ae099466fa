package com.bankops.autoscaler.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything one decision depends on, time included.
 *
 * @param now the loop's clock at this tick
 * @param currentReplicas instances the runtime runs for the pool, ready or starting: what a change
 *     is counted from
 * @param readyReplicas instances taking traffic: what the observed load is spread over
 * @param alertFloor replicas a firing alert asks for at least (0 when none)
 * @param history the previous decision's {@link ScalingDecision#history()}
 */
public record ScalingInput(
    Instant now,
    int currentReplicas,
    int readyReplicas,
    LoadObservation load,
    CpuObservation cpu,
    ForecastObservation forecast,
    int alertFloor,
    ScalingHistory history) {

  public ScalingInput {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(forecast, "forecast");
    Objects.requireNonNull(history, "history");
    if (currentReplicas < 0) {
      throw new IllegalArgumentException(
          "currentReplicas: " + currentReplicas + " (expected: >= 0)");
    }
    if (readyReplicas < 0 || readyReplicas > currentReplicas) {
      throw new IllegalArgumentException(
          "readyReplicas: "
              + readyReplicas
              + " (expected: 0..currentReplicas = "
              + currentReplicas
              + ")");
    }
    if (alertFloor < 0) {
      throw new IllegalArgumentException("alertFloor: " + alertFloor + " (expected: >= 0)");
    }
  }

  /** Load only: no CPU, no forecast, no alert floor, empty history. */
  public static ScalingInput of(Instant now, int current, int ready, LoadObservation load) {
    return new ScalingInput(
        now,
        current,
        ready,
        load,
        CpuObservation.NONE,
        ForecastObservation.NONE,
        0,
        ScalingHistory.EMPTY);
  }

  public ScalingInput withCpu(CpuObservation value) {
    return new ScalingInput(
        now, currentReplicas, readyReplicas, load, value, forecast, alertFloor, history);
  }

  public ScalingInput withForecast(ForecastObservation value) {
    return new ScalingInput(
        now, currentReplicas, readyReplicas, load, cpu, value, alertFloor, history);
  }

  public ScalingInput withAlertFloor(int value) {
    return new ScalingInput(
        now, currentReplicas, readyReplicas, load, cpu, forecast, value, history);
  }

  public ScalingInput withHistory(ScalingHistory value) {
    return new ScalingInput(
        now, currentReplicas, readyReplicas, load, cpu, forecast, alertFloor, value);
  }
}
