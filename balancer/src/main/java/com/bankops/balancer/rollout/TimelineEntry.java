package com.bankops.balancer.rollout;

import java.time.Instant;
import java.util.Map;

/**
 * One line of a rollout's record.
 *
 * @param event {@code started}, {@code canary_ready}, {@code step_advanced}, {@code analysis},
 *     {@code awaiting_approval}, {@code approved}, {@code paused}, {@code resumed}, {@code
 *     restarted}, {@code promoting}, {@code rolling_back}, {@code rolled_back}, {@code promoted}
 * @param stepPercent the canary share when it happened
 * @param figures numbers behind it (analysis: result, canary and stable count, error rate, p99)
 */
public record TimelineEntry(
    Instant at, String event, double stepPercent, String message, Map<String, Object> figures) {
  public TimelineEntry {
    figures = Map.copyOf(figures);
  }
}
