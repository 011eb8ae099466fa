package com.bankops.bank.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds a {@link Vertx} whose own metrics (HTTP server requests, pools, ...) land in a given
 * Prometheus registry, next to the bank's counters, so one {@code /metrics} shows both.
 */
public final class BankTelemetry {
  private static final AtomicInteger REGISTRY_NAMES = new AtomicInteger();
  private static final Map<Vertx, PrometheusMeterRegistry> REGISTRIES =
      Collections.synchronizedMap(new WeakHashMap<>());

  private BankTelemetry() {}

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * A Vert.x instance reporting into {@code registry}: {@code vertx_http_server_requests_total},
   * {@code vertx_http_server_response_time_seconds} labelled by method, route and code.
   */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            // Vert.x keeps backends in a static map by name: one name per registry.
            .setRegistryName("bank-metrics-" + REGISTRY_NAMES.incrementAndGet())
            .addLabels(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE);
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metrics))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    REGISTRIES.put(vertx, registry);
    return vertx;
  }

  /** The registry {@code vertx} was built with by {@link #newVertx}, if it was. */
  public static Optional<PrometheusMeterRegistry> registryOf(Vertx vertx) {
    return Optional.ofNullable(REGISTRIES.get(vertx));
  }
}
