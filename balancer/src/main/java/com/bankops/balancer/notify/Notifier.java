package com.bankops.balancer.notify;

import com.bankops.balancer.config.NotificationsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Sends every published notification to each configured receiver (webhooks, e-mail), each through
 * its own {@link DeliveryLane}: a bounded drop-oldest queue, a few deliveries at once, retries with
 * backoff and jitter. {@link #publish} only enqueues, so neither a rollout nor the autoscaler ever
 * waits for a receiver, and a dead receiver delays no other one.
 *
 * <pre>{@code
 * Notifier n = Notifier.create(vertx, config.notifications(), registry, System::nanoTime,
 *     () -> ThreadLocalRandom.current().nextDouble());
 * n.publish(new Notification("rollout.promoted", Instant.now(), "Promoted 2.1.0", Map.of()));
 * n.close();
 * }</pre>
 */
public final class Notifier implements NotificationSink {
  private final Context context;
  private final List<DeliveryLane> lanes;

  private Notifier(Context context, List<DeliveryLane> lanes) {
    this.context = context;
    this.lanes = List.copyOf(lanes);
  }

  /**
   * A notifier for the receivers of {@code config} (also when it is disabled: the caller decides
   * whether to use one).
   *
   * @param nanoClock for ages and delivery times
   * @param random uniform in [0, 1), for the retry jitter
   */
  public static Notifier create(
      Vertx vertx,
      NotificationsConfig config,
      MeterRegistry registry,
      LongSupplier nanoClock,
      DoubleSupplier random) {
    Context context = vertx.getOrCreateContext();
    Backoff backoff = Backoff.of(config.retry());
    long timeoutMs = config.retry().attemptTimeoutMs();
    List<Receiver> receivers = new ArrayList<>();
    config.webhooks().forEach(w -> receivers.add(new WebhookReceiver(vertx, w, timeoutMs)));
    if (config.email().enabled()) {
      receivers.add(new MailReceiver(vertx, config.email(), timeoutMs));
    }
    List<DeliveryLane> lanes = new ArrayList<>();
    for (Receiver r : receivers) {
      lanes.add(
          new DeliveryLane(
              vertx,
              context,
              r,
              config.queueCapacity(),
              backoff,
              timeoutMs,
              registry,
              nanoClock,
              random));
    }
    return new Notifier(context, lanes);
  }

  /** Enqueues for every receiver and returns at once; never throws. */
  @Override
  public void publish(Notification notification) {
    for (DeliveryLane lane : lanes) {
      try {
        lane.offer(notification);
      } catch (RuntimeException e) {
        // a receiver's bookkeeping must not reach the rollout or the autoscaler
        DeliveryLane.LOG.error("notification not queued for {}: {}", lane.name(), e.toString());
      }
    }
  }

  /** The receivers' names, e.g. {@code [ops-slack, email]}. */
  public List<String> receivers() {
    return lanes.stream().map(DeliveryLane::name).toList();
  }

  /** Stops retries, counts what still waits as dropped, closes the clients. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v ->
            Future.join(lanes.stream().map(DeliveryLane::close).toList())
                .<Void>mapEmpty()
                .onComplete(done));
    return done.future();
  }
}
