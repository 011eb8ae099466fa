package com.bankops.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryBudgetTest {
  private static final long S = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(-123 * S + 17); // nanoTime may be negative

  private static int drain(RetryBudget budget) {
    int granted = 0;
    while (budget.tryAcquireRetry()) {
      granted++;
      if (granted > 1_000_000) {
        throw new AssertionError("budget never ran out");
      }
    }
    return granted;
  }

  @ParameterizedTest(name = "ratio {0}, reserve {1}/s, window {2} s, {3} requests → {4} retries")
  @CsvSource({
    "0.2, 3, 10,    0,  30", // reserve only: 3/s over 10 s
    "0.2, 3, 10, 1000, 230", // 20% of 1000 + 30
    "0.2, 0, 10, 1000, 200",
    "0.2, 0, 10,    4,   0", // 0.8 of a retry is not a retry
    "0.0, 0, 10, 1000,   0",
    "0.5, 1,  1,   10,   6",
  })
  void grantsRetriesUpToTheBudget(
      double ratio, int reserve, int windowSeconds, int requests, int expected) {
    RetryBudget budget =
        new RetryBudget(ratio, reserve, Duration.ofSeconds(windowSeconds), clock::get);
    for (int i = 0; i < requests; i++) {
      budget.onRequest();
    }
    assertThat(drain(budget)).isEqualTo(expected);
    assertThat(budget.retriesInWindow()).isEqualTo(expected);
    assertThat(budget.requestsInWindow()).isEqualTo(requests);
  }

  @Test
  void windowSlidesAndOldTrafficStopsCounting() {
    RetryBudget budget = new RetryBudget(0.2, 0, Duration.ofSeconds(10), clock::get);
    for (int i = 0; i < 100; i++) {
      budget.onRequest();
    }
    assertThat(drain(budget)).isEqualTo(20);

    clock.addAndGet(5 * S); // still inside the window: requests and retries both count
    for (int i = 0; i < 50; i++) {
      budget.onRequest();
    }
    assertThat(drain(budget)).isEqualTo(10); // 0.2 × 150 − 20

    clock.addAndGet(5 * S); // the first second's 100 requests and 20 retries dropped out
    assertThat(budget.requestsInWindow()).isEqualTo(50);
    assertThat(budget.retriesInWindow()).isEqualTo(10);
    assertThat(drain(budget)).isZero();

    clock.addAndGet(5 * S);
    assertThat(budget.requestsInWindow()).isZero();
    assertThat(budget.retriesInWindow()).isZero();
  }

  @Test
  void defaultsAreTwentyPercentPlusThreePerSecond() {
    RetryBudget budget = new RetryBudget(clock::get);
    for (int i = 0; i < 500; i++) {
      budget.onRequest();
    }
    assertThat(drain(budget)).isEqualTo(100 + 30);
  }

  @Test
  void slotsAreReusedAfterAFullTurnOfTheRing() {
    RetryBudget budget = new RetryBudget(1.0, 0, Duration.ofSeconds(3), clock::get);
    budget.onRequest();
    clock.addAndGet(3 * S); // same slot index, a new second: must start from zero
    budget.onRequest();
    assertThat(budget.requestsInWindow()).isEqualTo(1);
    assertThat(drain(budget)).isEqualTo(1);
  }

  @Test
  void validatesNamingTheField() {
    assertThatThrownBy(() -> new RetryBudget(-0.1, 3, Duration.ofSeconds(10), clock::get))
        .hasMessageStartingWith("ratio:");
    assertThatThrownBy(() -> new RetryBudget(0.2, -1, Duration.ofSeconds(10), clock::get))
        .hasMessageStartingWith("minRetriesPerSecond:");
    assertThatThrownBy(() -> new RetryBudget(0.2, 3, Duration.ofMillis(1500), clock::get))
        .hasMessageStartingWith("window:");
    assertThatThrownBy(() -> new RetryBudget(0.2, 3, Duration.ZERO, clock::get))
        .hasMessageStartingWith("window:");
  }
}
