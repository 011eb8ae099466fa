package com.bankops.bank.api;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static net.logstash.logback.argument.StructuredArguments.v;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every request: stamps {@code X-Bank-Version} and {@code X-Bank-Instance} on the
 * response whatever produced it, and writes one JSON access-log line when it ends. The line carries
 * the balancer's {@code X-Request-Id} and the {@code X-Forwarded-For} chain (empty when absent), so
 * Loki joins it to the balancer's line and the edge test sees the client address arrive.
 */
final class AccessLogHandler implements Handler<RoutingContext> {
  static final String VERSION_HEADER = "X-Bank-Version";
  static final String INSTANCE_HEADER = "X-Bank-Instance";
  private static final Logger ACCESS = LoggerFactory.getLogger("com.bankops.bank.access");

  private final String version;
  private final String instance;
  private final LongSupplier nanoClock;

  AccessLogHandler(String version, String instance, LongSupplier nanoClock) {
    this.version = version;
    this.instance = instance;
    this.nanoClock = nanoClock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = nanoClock.getAsLong();
    ctx.addHeadersEndHandler(
        v ->
            ctx.response().putHeader(VERSION_HEADER, version).putHeader(INSTANCE_HEADER, instance));
    ctx.addEndHandler(
        ar -> {
          double millis = (nanoClock.getAsLong() - start) / 1_000_000.0;
          String requestId = ctx.request().getHeader("X-Request-Id");
          String forwardedFor = ctx.request().getHeader("X-Forwarded-For");
          ACCESS.info(
              "{} {} {}",
              v("method", ctx.request().method().name()),
              v("path", ctx.request().path()),
              v("status", ctx.response().getStatusCode()),
              kv("durationMs", Math.round(millis * 1000) / 1000.0),
              kv("instance", instance),
              kv("version", version),
              kv("requestId", requestId == null ? "" : requestId),
              kv("forwardedFor", forwardedFor == null ? "" : forwardedFor),
              kv("completed", ar.succeeded()));
        });
    ctx.next();
  }
}
