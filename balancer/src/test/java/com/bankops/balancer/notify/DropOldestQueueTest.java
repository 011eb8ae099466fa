package com.bankops.balancer.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bankops.balancer.testing.Concurrently;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DropOldestQueueTest {

  @Test
  void overflowEvictsTheOldestAndHandsItBack() {
    DropOldestQueue<String> q = new DropOldestQueue<>(3);

    assertThat(q.offer("a")).isEmpty();
    assertThat(q.offer("b")).isEmpty();
    assertThat(q.offer("c")).isEmpty();
    assertThat(q.offer("d")).contains("a");
    assertThat(q.offer("e")).contains("b");

    List<String> left = new ArrayList<>();
    for (Optional<String> s = q.poll(); s.isPresent(); s = q.poll()) {
      left.add(s.get());
    }
    assertThat(left).containsExactly("c", "d", "e");
  }

  @Test
  void clearReportsHowManyWereWaiting() {
    DropOldestQueue<Integer> q = new DropOldestQueue<>(10);
    q.offer(1);
    q.offer(2);

    assertThat(q.clear()).isEqualTo(2);
    assertThat(q.size()).isZero();
    assertThat(q.poll()).isEmpty();
  }

  @Test
  void capacityMustBePositive() {
    assertThatThrownBy(() -> new DropOldestQueue<>(0)).hasMessage("capacity: 0 (expected: >= 1)");
  }

  @Test
  void concurrentPublishersLoseNothingButTheCountedEvictions() throws Exception {
    DropOldestQueue<Integer> q = new DropOldestQueue<>(100);
    AtomicInteger evicted = new AtomicInteger();
    int threads = 4;
    int each = 5_000;
    AtomicInteger next = new AtomicInteger();
    Concurrently.run(
        threads,
        () -> {
          for (int i = 0; i < each; i++) {
            q.offer(next.getAndIncrement()).ifPresent(x -> evicted.incrementAndGet());
          }
        },
        () -> {});

    assertThat(q.size()).isEqualTo(100);
    assertThat(evicted.get()).isEqualTo(threads * each - 100);
  }
}
