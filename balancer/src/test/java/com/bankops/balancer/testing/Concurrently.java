package com.bankops.balancer.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs a body on several threads released together, like event loops hitting shared state. */
public final class Concurrently {
  private Concurrently() {}

  /**
   * Starts {@code threads} copies of {@code body} at the same moment, runs {@code meanwhile} on the
   * calling thread, and returns once every copy finished (failing after 30 s).
   */
  public static void run(int threads, Runnable body, Runnable meanwhile)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      for (int i = 0; i < threads; i++) {
        pool.execute(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              body.run();
            });
      }
      go.countDown();
      meanwhile.run();
      pool.shutdown();
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new AssertionError("threads did not finish within 30 s");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
