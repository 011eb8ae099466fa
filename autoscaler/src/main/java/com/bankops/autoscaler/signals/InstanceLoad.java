package com.bankops.autoscaler.signals;

import java.util.Objects;

/**
 * One backend's load; scale-in drains the backend with the fewest in-flight requests.
 *
 * @param inFlight requests sent to it and not yet answered
 * @param requestsPerSecond completed requests per second over the pool's window
 */
public record InstanceLoad(String id, int inFlight, double requestsPerSecond) {

  public InstanceLoad {
    Objects.requireNonNull(id, "id");
    if (inFlight < 0) {
      throw new IllegalArgumentException("inFlight: " + inFlight + " (expected: >= 0)");
    }
    if (!(requestsPerSecond >= 0)) {
      throw new IllegalArgumentException(
          "requestsPerSecond: " + requestsPerSecond + " (expected: >= 0)");
    }
  }
}
