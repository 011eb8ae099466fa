package com.bankops.balancer.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The notifier's metrics, all declared here (Prometheus names):
 *
 * <pre>
 * bankops_notifications_total{receiver,outcome}        counter; outcome delivered | failed | dropped
 * bankops_notification_retries_total{receiver}          counter, attempts after the first
 * bankops_notification_delivery_seconds{receiver}       histogram, publish to delivered
 * bankops_notification_queued{receiver}                 gauge, waiting for a delivery slot
 * </pre>
 */
final class NotifierMetrics {
  static final String NOTIFICATIONS = "bankops_notifications";
  static final String RETRIES = "bankops_notification_retries";
  static final String DELIVERY = "bankops_notification_delivery";
  static final String QUEUED = "bankops_notification_queued";

  private NotifierMetrics() {}

  static Counter outcome(MeterRegistry registry, String receiver, String outcome) {
    return Counter.builder(NOTIFICATIONS)
        .description("Notifications by final outcome: delivered, failed (gave up) or dropped")
        .tag("receiver", receiver)
        .tag("outcome", outcome)
        .register(registry);
  }

  static Counter retries(MeterRegistry registry, String receiver) {
    return Counter.builder(RETRIES)
        .description("Delivery attempts after the first")
        .tag("receiver", receiver)
        .register(registry);
  }

  static Timer deliverySeconds(MeterRegistry registry, String receiver) {
    return Timer.builder(DELIVERY)
        .description("Time from publish to delivery, retries included")
        .tag("receiver", receiver)
        .serviceLevelObjectives(
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60))
        .register(registry);
  }
}
