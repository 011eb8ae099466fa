package com.bankops.balancer.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.config.ApplianceConfig;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the rest of the appliance reaches the notifier: {@link Appliance#notifications()}. */
class ApplianceNotificationsIT {
  private Vertx vertx;
  private HttpServer server;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.stop(0);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private Appliance start(String yaml, PrometheusMeterRegistry registry) throws Exception {
    vertx = Vertx.vertx();
    ApplianceConfig c =
        ApplianceConfig.fromYaml("http: {port: 0}\nadmin: {port: 0}\n" + yaml, Map.of());
    return Appliance.start(vertx, c, registry, System::nanoTime).await(10, TimeUnit.SECONDS);
  }

  @Test
  void disabledByDefault() throws Exception {
    Appliance a = start("", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

    assertThat(a.notifications()).isSameAs(NotificationSink.NONE);
    a.stop().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theApplianceSinkDeliversAndIsClosedByStop() throws Exception {
    ConcurrentLinkedQueue<JsonObject> got = new ConcurrentLinkedQueue<>();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          got.add(
              new JsonObject(
                  new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Appliance a =
        start(
            """
            notifications:
              enabled: true
              webhooks: [{name: ops, url: "http://127.0.0.1:%d/"}]
            """
                .formatted(server.getAddress().getPort()),
            registry);
    NotificationSink sink = a.notifications();

    sink.publish(
        new Notification("rollout.promoted", Instant.now(), "Promoted 2.1.0", Map.of("n", 1)));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                registry.find("bankops_notifications").tag("outcome", "delivered").counter().count()
                    == 1);
    assertThat(got).hasSize(1);
    assertThat(got.peek().getString("type")).isEqualTo("rollout.promoted");

    a.stop().await(10, TimeUnit.SECONDS);
    sink.publish(new Notification("rollout.paused", Instant.now(), "late", Map.of()));
    assertThat(registry.scrape())
        .contains("bankops_notifications_total{outcome=\"delivered\",receiver=\"ops\"} 1.0")
        .contains("bankops_notifications_total{outcome=\"dropped\",receiver=\"ops\"} 1.0");
  }
}
