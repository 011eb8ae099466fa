package com.bankops.autoscaler.policy;

import com.bankops.autoscaler.signals.SignalWindow;
import com.bankops.autoscaler.signals.WindowAverage;
import java.time.Instant;
import java.util.Objects;

/**
 * The pool's observed concurrency ({@link Concurrency#observed}) averaged over the stable and the
 * panic window.
 */
public record LoadObservation(WindowAverage stable, WindowAverage panic) {

  public static final LoadObservation NONE =
      new LoadObservation(WindowAverage.EMPTY, WindowAverage.EMPTY);

  public LoadObservation {
    Objects.requireNonNull(stable, "stable");
    Objects.requireNonNull(panic, "panic");
  }

  /** Both windows of {@code concurrency} as of {@code now}. */
  public static LoadObservation of(SignalWindow concurrency, Instant now, AutoscalerConfig config) {
    return new LoadObservation(
        concurrency.average(now, config.stableWindow()),
        concurrency.average(now, config.panicWindow()));
  }

  /** The newest sample in either window. */
  public Instant newest() {
    return stable.newest().isAfter(panic.newest()) ? stable.newest() : panic.newest();
  }
}
