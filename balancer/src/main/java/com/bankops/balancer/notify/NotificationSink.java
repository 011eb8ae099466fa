package com.bankops.balancer.notify;

/**
 * Where notifications go. {@link #publish} never blocks and never throws: delivery (with retries)
 * happens elsewhere, so a dead receiver cannot stall a rollout or the autoscaler.
 */
@FunctionalInterface
public interface NotificationSink {
  NotificationSink NONE = n -> {};

  void publish(Notification notification);
}
