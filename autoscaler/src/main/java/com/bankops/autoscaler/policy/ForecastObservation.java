package com.bankops.autoscaler.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The request rate a forecaster expects {@code horizon} from now (the p95 start-up time of an
 * instance: capacity started now serves then), with the mean latency that turns it into
 * concurrency.
 */
public record ForecastObservation(
    double requestsPerSecond, double meanLatencySeconds, Duration horizon) {

  public static final ForecastObservation NONE = new ForecastObservation(0, 0, Duration.ZERO);

  public ForecastObservation {
    Objects.requireNonNull(horizon, "horizon");
    if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "requestsPerSecond: " + requestsPerSecond + " (expected: >= 0)");
    }
    if (!(meanLatencySeconds >= 0) || Double.isInfinite(meanLatencySeconds)) {
      throw new IllegalArgumentException(
          "meanLatencySeconds: " + meanLatencySeconds + " (expected: >= 0)");
    }
  }

  public boolean isPresent() {
    return requestsPerSecond > 0 && meanLatencySeconds > 0;
  }

  public double concurrency() {
    return Concurrency.littlesLaw(requestsPerSecond, meanLatencySeconds);
  }
}
