package com.bankops.balancer.rollout;

import java.util.Locale;

/** The outcome of one step's analysis, with the reason in words and figures. */
public record Verdict(Result result, String reason) {
  public enum Result {
    PASS,
    FAIL,
    INCONCLUSIVE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
