package com.bankops.balancer.notify;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver's queue and deliveries, so that receivers never wait on each other. Publishers on
 * any thread {@link #offer}; everything else runs on the notifier's context: at most {@link
 * #MAX_IN_FLIGHT} notifications are being attempted or waiting for a retry at once; the rest wait
 * in a bounded queue that drops its oldest when full.
 *
 * <pre>
 * publish ─► queue (drop oldest) ─► attempt ──ok──► delivered
 *                                     │ fail
 *                                     ├─ Backoff says retry ─► timer ─► attempt
 *                                     └─ give up ─► failed (+ one JSON log line)
 * </pre>
 */
final class DeliveryLane {
  static final int MAX_IN_FLIGHT = 4;
  static final Logger LOG = LoggerFactory.getLogger("notifications");

  private final Vertx vertx;
  private final Context context;
  private final Receiver receiver;
  private final DropOldestQueue<Pending> queue;
  private final Backoff backoff;
  private final long attemptTimeoutMs;
  private final LongSupplier nanoClock;
  private final DoubleSupplier random;
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private final Set<Long> timers = new HashSet<>(); // retries waiting; context only
  private int inFlight; // context only
  private volatile boolean closed;

  private final Counter delivered;
  private final Counter failed;
  private final Counter dropped;
  private final Counter retries;
  private final Timer deliverySeconds;

  /** A notification on its way, with its attempts so far. */
  private static final class Pending {
    final Notification notification;
    final long publishedNanos;
    int attempts;

    Pending(Notification notification, long publishedNanos) {
      this.notification = notification;
      this.publishedNanos = publishedNanos;
    }
  }

  DeliveryLane(
      Vertx vertx,
      Context context,
      Receiver receiver,
      int capacity,
      Backoff backoff,
      long attemptTimeoutMs,
      MeterRegistry registry,
      LongSupplier nanoClock,
      DoubleSupplier random) {
    this.vertx = vertx;
    this.context = context;
    this.receiver = receiver;
    this.queue = new DropOldestQueue<>(capacity);
    this.backoff = backoff;
    this.attemptTimeoutMs = attemptTimeoutMs;
    this.nanoClock = nanoClock;
    this.random = random;
    this.delivered = NotifierMetrics.outcome(registry, receiver.name(), "delivered");
    this.failed = NotifierMetrics.outcome(registry, receiver.name(), "failed");
    this.dropped = NotifierMetrics.outcome(registry, receiver.name(), "dropped");
    this.retries = NotifierMetrics.retries(registry, receiver.name());
    this.deliverySeconds = NotifierMetrics.deliverySeconds(registry, receiver.name());
    Gauge.builder(NotifierMetrics.QUEUED, queue, DropOldestQueue::size)
        .description("Notifications waiting for a delivery slot")
        .tag("receiver", receiver.name())
        .register(registry);
  }

  String name() {
    return receiver.name();
  }

  /** Any thread; never blocks on I/O, never throws. */
  void offer(Notification n) {
    if (closed) {
      dropped.increment();
      return;
    }
    queue.offer(new Pending(n, nanoClock.getAsLong())).ifPresent(evicted -> dropped.increment());
    if (pumpScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> pump());
    }
  }

  private void pump() {
    pumpScheduled.set(false);
    while (!closed && inFlight < MAX_IN_FLIGHT) {
      Pending p = queue.poll().orElse(null);
      if (p == null) {
        return;
      }
      inFlight++;
      attempt(p);
    }
  }

  private void attempt(Pending p) {
    p.attempts++;
    Future<Void> sent;
    try {
      sent = receiver.send(p.notification).timeout(attemptTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        ar -> {
          if (Vertx.currentContext() == context) {
            attempted(p, ar.cause());
          } else {
            context.runOnContext(v -> attempted(p, ar.cause()));
          }
        });
  }

  private void attempted(Pending p, Throwable error) {
    if (closed) {
      // every notification ends in exactly one outcome, also when closing cut it short
      (error == null ? delivered : dropped).increment();
      return;
    }
    long age = nanoClock.getAsLong() - p.publishedNanos;
    if (error == null) {
      delivered.increment();
      deliverySeconds.record(age, TimeUnit.NANOSECONDS);
      finish();
      return;
    }
    Backoff.Decision d =
        backoff.afterFailure(
            p.attempts, age, Receiver.DeliveryException.isRetryable(error), random.getAsDouble());
    if (d.retry()) {
      retries.increment();
      long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(d.delayNanos()));
      long[] id = new long[1];
      id[0] =
          vertx.setTimer(
              delayMs,
              t -> {
                timers.remove(id[0]);
                if (!closed) {
                  attempt(p);
                }
              });
      timers.add(id[0]);
      return;
    }
    failed.increment();
    LOG.warn(
        "notification to {} failed: {}",
        receiver.name(),
        d.reason(),
        kv("event", "notification_failed"),
        kv("receiver", receiver.name()),
        kv("type", p.notification.type()),
        kv("attempts", p.attempts),
        kv("ageMs", TimeUnit.NANOSECONDS.toMillis(age)),
        kv("error", String.valueOf(error.getMessage())),
        kv("reason", d.reason()));
    finish();
  }

  private void finish() {
    inFlight--;
    pump();
  }

  /**
   * On the context: cancels retries and counts them and what was still queued as dropped; attempts
   * under way are counted when they end (closing the client fails them).
   */
  Future<Void> close() {
    closed = true;
    timers.forEach(vertx::cancelTimer);
    dropped.increment(timers.size() + queue.clear());
    timers.clear();
    return receiver.close();
  }
}
