package com.bankops.balancer.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event worth telling people about: a rollout step, a rollback, a promotion, a scale event.
 *
 * @param type a stable dotted name, e.g. {@code rollout.started}, {@code rollout.step_advanced},
 *     {@code rollout.paused}, {@code rollout.awaiting_approval}, {@code rollout.rolled_back},
 *     {@code rollout.promoted}, {@code scaling.scaled_out}, {@code scaling.scaled_in}
 * @param summary one human sentence, e.g. "Rolled back 2.1.0: canary error rate 19.8% vs stable
 *     0.1%"
 * @param fields the figures behind it (JSON-friendly values: strings, numbers, booleans, lists,
 *     maps)
 */
public record Notification(String type, Instant at, String summary, Map<String, Object> fields) {
  public Notification {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(summary, "summary");
    fields = Map.copyOf(fields);
  }
}
