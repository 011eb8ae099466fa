package com.bankops.balancer.rollout;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A rollout's state, as {@code GET /admin/rollouts/current} names it.
 *
 * <pre>
 *   running ⇄ paused          running → awaiting_approval → (approve) → running
 *   running | paused | awaiting_approval → rolling_back → rolled_back
 *   running (last step passed, or promote) → promoted
 * </pre>
 */
public enum Phase {
  RUNNING,
  PAUSED,
  AWAITING_APPROVAL,
  ROLLING_BACK,
  ROLLED_BACK,
  PROMOTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Phase> fromWire(String s) {
    return Arrays.stream(values()).filter(p -> p.wire().equals(s)).findFirst();
  }

  /** The canary may carry traffic and the operator may still act. */
  public boolean active() {
    return this == RUNNING || this == PAUSED || this == AWAITING_APPROVAL;
  }

  /** Nothing more will happen to the rollout. */
  public boolean finished() {
    return this == ROLLED_BACK || this == PROMOTED;
  }
}
