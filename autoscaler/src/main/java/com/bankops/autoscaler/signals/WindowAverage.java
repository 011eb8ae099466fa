package com.bankops.autoscaler.signals;

import java.time.Instant;
import java.util.Objects;

/**
 * A signal's mean over a window.
 *
 * @param samples how many samples the mean covers; 0 means no data ({@link #EMPTY})
 * @param newest the newest sample's time ({@link Instant#EPOCH} when empty)
 */
public record WindowAverage(double value, int samples, Instant newest) {

  public static final WindowAverage EMPTY = new WindowAverage(0, 0, Instant.EPOCH);

  public WindowAverage {
    Objects.requireNonNull(newest, "newest");
    if (samples < 0) {
      throw new IllegalArgumentException("samples: " + samples + " (expected: >= 0)");
    }
  }

  public boolean isEmpty() {
    return samples == 0;
  }
}
