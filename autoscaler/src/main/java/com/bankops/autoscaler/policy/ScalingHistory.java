package com.bankops.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the policy remembers between decisions; the loop passes each decision's {@code history} into
 * the next input.
 *
 * @param recommendations unconstrained recommendations, oldest first, for scale-down stabilisation
 * @param panicUntil panic mode lasts until then ({@link Instant#EPOCH}: not panicking)
 */
public record ScalingHistory(List<Recommendation> recommendations, Instant panicUntil) {

  public static final ScalingHistory EMPTY = new ScalingHistory(List.of(), Instant.EPOCH);

  public ScalingHistory {
    recommendations = List.copyOf(recommendations);
    Objects.requireNonNull(panicUntil, "panicUntil");
  }

  /** One past recommendation. */
  public record Recommendation(Instant at, int replicas) {
    public Recommendation {
      Objects.requireNonNull(at, "at");
    }
  }

  /** Adds a recommendation and drops those older than {@code keep} before {@code now}. */
  public ScalingHistory record(Instant now, int replicas, Duration keep) {
    Instant oldest = now.minus(keep);
    List<Recommendation> kept = new ArrayList<>(recommendations.size() + 1);
    for (Recommendation r : recommendations) {
      if (!r.at().isBefore(oldest) && !r.at().isAfter(now)) {
        kept.add(r);
      }
    }
    kept.add(new Recommendation(now, replicas));
    return new ScalingHistory(kept, panicUntil);
  }

  /** The highest recommendation in {@code [now - window, now]}, or {@code fallback} when none. */
  public int highestSince(Instant now, Duration window, int fallback) {
    Instant oldest = now.minus(window);
    int highest = Integer.MIN_VALUE;
    for (Recommendation r : recommendations) {
      if (!r.at().isBefore(oldest) && !r.at().isAfter(now)) {
        highest = Math.max(highest, r.replicas());
      }
    }
    return highest == Integer.MIN_VALUE ? fallback : highest;
  }

  public boolean panicking(Instant now) {
    return now.isBefore(panicUntil);
  }

  public ScalingHistory withPanicUntil(Instant until) {
    return new ScalingHistory(recommendations, until);
  }
}
