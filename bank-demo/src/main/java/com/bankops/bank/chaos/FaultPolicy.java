package com.bankops.bank.chaos;

import java.util.function.DoubleSupplier;

/**
 * Decides, per business request, whether to fail it and how long to hold it first. Pure apart from
 * the injected random source, so tests drive it with fixed draws.
 */
public final class FaultPolicy {
  /** No faults: every request passes at once. */
  public static final FaultPolicy NONE = new FaultPolicy(0.0, 0, () -> 1.0);

  private final double errorRate;
  private final long latencyMillis;
  private final DoubleSupplier uniform;

  /**
   * @param errorRate fraction 0..1 of requests answered 500
   * @param latencyMillis delay added before every business request, 0 for none
   * @param uniform draws in [0, 1)
   */
  public FaultPolicy(double errorRate, long latencyMillis, DoubleSupplier uniform) {
    if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
      throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: 0..1)");
    }
    if (latencyMillis < 0) {
      throw new IllegalArgumentException("latencyMillis: " + latencyMillis + " (expected: >= 0)");
    }
    this.errorRate = errorRate;
    this.latencyMillis = latencyMillis;
    this.uniform = uniform;
  }

  /** What happens to one request. */
  public record Fault(boolean fail, long delayMillis) {}

  public Fault decide() {
    boolean fail = errorRate > 0.0 && uniform.getAsDouble() < errorRate;
    return new Fault(fail, latencyMillis);
  }

  public boolean isActive() {
    return errorRate > 0.0 || latencyMillis > 0;
  }
}
