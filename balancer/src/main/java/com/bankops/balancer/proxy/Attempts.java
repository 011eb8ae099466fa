package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.ClusterSnapshot;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.pool.PoolSnapshot;
import com.bankops.balancer.routing.FailureKind;
import com.bankops.balancer.routing.Picker;
import com.bankops.balancer.routing.RetryBudget;
import com.bankops.balancer.routing.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The attempts of one exchange, shared by both engines: which backends were tried, the pool the
 * next one is picked from, and whether another attempt is allowed.
 *
 * <pre>
 * connect failed ─────────────► retry (any method: nothing reached a backend)
 * 502/503/504 or reset ───────► retry only if idempotent or Idempotency-Key, within the budget
 * timeout ────────────────────► never (a slow POST may still move money)
 * canary shield: a failed CANARY attempt is resent once to STABLE under the same rules
 *                (RetryPolicy.decideCanaryFallback); the canary's failure still counts as its own
 * a streamed body is gone once sent: only a connect failure may retry it
 * </pre>
 */
final class Attempts {
  /** What an exchange's attempts depend on; one per event loop. */
  record Rules(
      ProxySettings settings,
      Membership membership,
      RetryBudget retryBudget,
      ProxyObserver observer,
      Picker picker,
      LongSupplier nanoClock) {}

  private final Rules rules;
  private final String method;
  private final boolean idempotencyKey;
  private final boolean streaming;
  private PoolName target; // the chosen pool, or STABLE once a canary failure fell back
  private boolean fellBack;
  // backends tried so far: the first without a list (most exchanges make one attempt)
  private String triedFirst;
  private List<String> triedMore;
  private int count;

  Attempts(Rules rules, PoolName pool, String method, boolean idempotencyKey, boolean streaming) {
    this.rules = rules;
    this.target = pool;
    this.method = method;
    this.idempotencyKey = idempotencyKey;
    this.streaming = streaming;
  }

  /**
   * Picks the backend of the next attempt from {@code snapshot} (an empty canary pool sends its
   * share to stable), never one already tried, and counts the attempt; null when none is left.
   */
  Member next(ClusterSnapshot snapshot) {
    List<Member> members = candidates(snapshot).candidates();
    if (members.isEmpty()) {
      return null;
    }
    List<Member> choices = members;
    if (triedFirst != null) {
      choices = new ArrayList<>(members.size());
      for (Member m : members) {
        if (!wasTried(m.id())) {
          choices.add(m);
        }
      }
      if (choices.isEmpty()) {
        return null;
      }
    }
    int i = rules.picker().pick(choices, rules.nanoClock().getAsLong());
    if (i < 0) {
      return null;
    }
    Member m = choices.get(i);
    count++;
    markTried(m.id());
    return m;
  }

  int count() {
    return count;
  }

  /**
   * Whether the attempt that failed on {@code failed} with {@code kind} may be followed by another:
   * the canary shield first, then the retry rules. Takes a retry from the budget when it says yes.
   *
   * @param bytesSent whether response bytes already left for the client
   */
  boolean mayTryAgain(Member failed, FailureKind kind, boolean bytesSent) {
    return mayFallBack(failed, kind, bytesSent) || mayRetry(kind, bytesSent);
  }

  private boolean mayRetry(FailureKind kind, boolean bytesSent) {
    if (count >= rules.settings().maxAttempts() || !untriedLeft()) {
      return false;
    }
    if (streaming && kind != FailureKind.CONNECT_FAILED) {
      return false;
    }
    if (!RetryPolicy.mayRetry(method, idempotencyKey, kind, bytesSent)) {
      return false;
    }
    return rules.retryBudget().tryAcquireRetry();
  }

  /**
   * The canary shield: on a failed canary attempt, switch to the stable pool for one more attempt,
   * if the request may be resent and the budget allows. The caller still records the failed attempt
   * against the canary backend (its stats, the canary pool's histograms, outlier detection), so the
   * rollout analysis and the kill switch see it as before.
   */
  private boolean mayFallBack(Member failed, FailureKind kind, boolean bytesSent) {
    if (fellBack
        || failed.backend().pool() != PoolName.CANARY
        || count >= rules.settings().maxAttempts()) {
      return false;
    }
    if (streaming && kind != FailureKind.CONNECT_FAILED) {
      return false;
    }
    if (!RetryPolicy.decideCanaryFallback(
            rules.settings().canaryFallback(), method, idempotencyKey, kind, bytesSent)
        .retry()) {
      return false;
    }
    if (rules.membership().snapshot().stable().candidates().isEmpty()
        || !rules.retryBudget().tryAcquireRetry()) {
      return false;
    }
    fellBack = true;
    target = PoolName.STABLE;
    rules.observer().canaryFellBack(failed);
    return true;
  }

  private PoolSnapshot candidates(ClusterSnapshot snapshot) {
    PoolSnapshot p = snapshot.pool(target);
    return p.isEmpty() && target == PoolName.CANARY ? snapshot.stable() : p;
  }

  private boolean untriedLeft() {
    for (Member m : candidates(rules.membership().snapshot()).candidates()) {
      if (!wasTried(m.id())) {
        return true;
      }
    }
    return false;
  }

  private void markTried(String id) {
    if (triedFirst == null) {
      triedFirst = id;
    } else {
      if (triedMore == null) {
        triedMore = new ArrayList<>(2);
      }
      triedMore.add(id);
    }
  }

  private boolean wasTried(String id) {
    return id.equals(triedFirst) || (triedMore != null && triedMore.contains(id));
  }
}
