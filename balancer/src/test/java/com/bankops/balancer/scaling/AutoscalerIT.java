package com.bankops.balancer.scaling;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.runtime.ProcessRuntimeConfig;
import com.bankops.balancer.admin.AdminServer;
import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.config.AdminConfig;
import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.console.ConsoleFeed;
import com.bankops.balancer.console.ConsoleModule;
import com.bankops.balancer.console.RolloutSource;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.PoolName;
import com.bankops.bank.app.EmbeddedDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The autoscaler in the appliance, starting and stopping real bank processes (the shaded bank-demo
 * jar through the process runtime) on a real PostgreSQL. Each bank answers its API 20 ms late
 * ({@code BANK_FAULT_LATENCY_MS}), so a closed-loop client keeps about one request in flight and
 * the load is set by the number of clients. Target: 3 in flight per instance, 1..3 instances, short
 * windows. All traffic goes to 127.0.0.1, bounded in time.
 */
@TestMethodOrder(OrderAnnotation.class)
class AutoscalerIT {
  private static final Path BANK_JAR =
      Path.of(
          System.getProperty("bank.jar", "../bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar"));
  private static final String TOKEN = "autoscaler-it-token-0123456789";
  private static final String AUTOSCALER =
      "autoscaler: {enabled: true, minReplicas: 1, maxReplicas: 3, targetConcurrency: 3,"
          + " stableWindowMs: 6000, panicWindowMs: 2000, scaleDownStabilizationMs: 3000,"
          + " staleAfterMs: 3000, tickMs: 500, signalWindowMs: 2000, drainDeadlineMs: 5000,"
          + " stopGraceMs: 5000, forecast: shadow}\n";

  static EmbeddedDatabase db;
  static Path logs;
  static ContainerRuntime runtime;
  static Vertx vertx;
  static Appliance appliance;
  static Autoscaling scaling;
  static AdminServer admin;
  static PrometheusMeterRegistry registry;
  static Instance first;
  static final List<String> accounts = new ArrayList<>();

  /** A webhook receiver: scale actions arrive here as notifications. */
  static com.sun.net.httpserver.HttpServer hook;

  static final ConcurrentLinkedQueue<JsonObject> notified = new ConcurrentLinkedQueue<>();

  static final HttpClient JDK =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .proxy(HttpClient.Builder.NO_PROXY)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @BeforeAll
  static void start() throws Exception {
    assertThat(BANK_JAR).as("bank-demo shaded jar").exists();
    db = EmbeddedDatabase.startTemporary();
    logs = Files.createTempDirectory("autoscaler-it");
    // a copy: a concurrent rebuild of bank-demo must not swap the jar under starting JVMs
    Path jar = Files.copy(BANK_JAR, logs.resolve("bank.jar"));
    runtime =
        ContainerRuntime.process(
            ProcessRuntimeConfig.forCommand(
                    List.of(
                        ProcessRuntimeConfig.currentJavaBinary().toString(),
                        "-Xmx192m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString()),
                    logs)
                .withPorts(19400, 100)
                .withReadyTimeout(Duration.ofSeconds(60))
                .withCloseGrace(Duration.ofSeconds(3)));
    InstanceSpec spec =
        InstanceSpec.of("stable", "1.0.0")
            .withEnv(Map.of("BANK_DB_URL", db.url(), "BANK_FAULT_LATENCY_MS", "20"));
    first = runtime.start(spec).get(60, TimeUnit.SECONDS);

    hook =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext(
        "/",
        ex -> {
          notified.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), UTF_8)));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    hook.start();
    ApplianceConfig config =
        ApplianceConfig.fromYaml(
            "http: {port: 0}\nadmin: {port: 0}\nrouting: {slowStartMs: 1000}\n"
                + "health: {intervalMs: 500, timeoutMs: 400}\n"
                + AUTOSCALER
                + "notifications: {enabled: true, webhooks: [{url: 'http://127.0.0.1:"
                + hook.getAddress().getPort()
                + "/'}]}\n",
            Map.of());
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    appliance =
        Appliance.start(vertx, config, registry, System::nanoTime).await(20, TimeUnit.SECONDS);
    appliance
        .membership()
        .add(new Backend(first.id(), PoolName.STABLE, first.host(), first.port(), first.version()));
    scaling =
        Autoscaling.start(
            vertx,
            appliance,
            registry,
            runtime,
            config.autoscaler(),
            spec,
            System::nanoTime,
            Clock.systemUTC());
    admin =
        AdminServer.start(
                vertx,
                new AdminConfig("127.0.0.1", 0, TOKEN),
                appliance,
                registry::scrape,
                List.of(
                    scaling.adminModule(),
                    new ConsoleModule(
                        new ConsoleFeed(
                            vertx,
                            appliance,
                            () -> scaling.view(10),
                            RolloutSource.none(),
                            id -> 0,
                            Clock.systemUTC()))))
            .await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r =
          bank("POST", "/accounts", "{\"owner\":\"o" + i + "\",\"initialBalance\":1000}");
      assertThat(r.statusCode()).isEqualTo(201);
      accounts.add(new JsonObject(r.body()).getString("id"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (scaling != null) {
      scaling.close();
    }
    if (admin != null) {
      admin.close().await(5, TimeUnit.SECONDS);
    }
    if (appliance != null) {
      appliance.stop().await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (runtime != null) {
      runtime.close();
    }
    if (db != null) {
      db.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
  }

  /** The scale notifications received so far of {@code type}. */
  static List<JsonObject> notified(String type) {
    return notified.stream().filter(n -> n.getString("type").equals(type)).toList();
  }

  @Order(1)
  @ParameterizedTest(name = "{0} {1} -> {2} naming {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PUT | {\"minReplicas\": -1}                        | 400 | minReplicas",
        "PUT | {\"maxReplicas\": 65}                        | 400 | maxReplicas",
        "PUT | {\"minReplicas\": 3, \"maxReplicas\": 2}     | 400 | maxReplicas",
        "PUT | {\"targetConcurrency\": 0}                   | 400 | targetConcurrency",
        "PUT | {\"forecastMode\": \"sometimes\"}            | 400 | forecastMode",
        "PUT | {\"enabled\": \"yes\"}                       | 400 | enabled",
        "PUT | {\"replicas\": 4}                            | 400 | replicas",
        "POST | {\"version\": \"3\", \"status\": \"firing\", \"alerts\": []} | 400 | version",
        "POST | {\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\","
            + " \"fingerprint\": \"f1\", \"labels\": {\"bankops_scale_floor\": \"two\"}}]}"
            + " | 400 | alerts",
        "POST | {\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\","
            + " \"labels\": {\"bankops_scale_floor\": \"2\"}}]} | 400 | alerts",
        "POST | {\"version\": \"4\", \"status\": \"firing\", \"alerts\": [{\"status\": \"firing\","
            + " \"fingerprint\": \"f1\", \"labels\": {\"bankops_scale_floor\": \"2\","
            + " \"pool\": \"canary\"}}]} | 400 | alerts[0].labels.pool",
      })
  void badAdminInputIsRefusedNamingTheFieldAndChangesNothing(
      String method, String body, int status, String field) throws Exception {
    JsonObject before = adminJson("GET", "/admin/autoscaler", null);
    String path = method.equals("PUT") ? "/admin/autoscaler" : "/admin/hooks/alertmanager";

    HttpResponse<String> r = adminCall(method, path, body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("field")).as(r.body()).isEqualTo(field);
    JsonObject after = adminJson("GET", "/admin/autoscaler", null);
    assertThat(after.copy().put("pools", 0)).isEqualTo(before.copy().put("pools", 0));
  }

  @Test
  @Order(2)
  void adminNeedsTheTokenAndAValidPutIsAppliedAndShown() throws Exception {
    HttpResponse<String> anonymous =
        JDK.send(
            HttpRequest.newBuilder(adminUri("/admin/autoscaler")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    JsonObject set = adminJson("PUT", "/admin/autoscaler", "{\"forecastMode\": \"active\"}");
    assertThat(set.getString("forecastMode")).isEqualTo("active");
    assertThat(set.getInteger("maxReplicas")).isEqualTo(3);
    set = adminJson("PUT", "/admin/autoscaler", "{\"forecastMode\": \"shadow\"}");
    assertThat(set.getString("forecastMode")).isEqualTo("shadow");
    assertThat(set.getJsonObject("pools").getJsonObject("stable").getInteger("current"))
        .isEqualTo(1);
    assertThat(set.getJsonObject("pools").getJsonObject("stable").getInteger("desired"))
        .isEqualTo(1);
  }

  @Test
  @Order(3)
  void aLoadStepScalesOutWithinSecondsAndTheNewInstancesServe() throws Exception {
    try (Load light = new Load(1)) {
      Thread.sleep(2500);
      assertThat(runtime.list()).as("1 in flight: one instance is enough").hasSize(1);
      assertThat(light.failures).isEmpty();
    }

    long step = System.nanoTime();
    try (Load heavy = new Load(12)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> lastDecision().action().startsWith("start"));
      long decidedMs = (System.nanoTime() - step) / 1_000_000;
      // generous: a bank JVM starts in 2-5 s here when the machine is quiet, far slower when not
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> heavy.servedBy.size() >= 2);
      long servingMs = (System.nanoTime() - step) / 1_000_000;
      System.out.printf(
          "AutoscalerIT: 1 -> 12 clients: scale-out decided after %d ms, a new instance served"
              + " after %d ms%n",
          decidedMs, servingMs);
      assertThat(decidedMs).as("decision within seconds").isLessThan(5_000);
      assertThat(heavy.failures).as("no failed request during scale-out").isEmpty();
      // the gauges show the loop's last tick, up to one tick behind
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  registry
                      .scrape()
                      .matches(
                          "(?s).*bankops_autoscaler_ready_replicas\\{pool=\"stable\"\\}"
                              + " [2-3]\\.0.*"));
      String metrics = registry.scrape();
      assertThat(metrics)
          .contains("bankops_autoscaler_desired_replicas{pool=\"stable\"} 3.0")
          .containsPattern("bankops_autoscaler_ready_replicas\\{pool=\"stable\"\\} [2-3]\\.0")
          .containsPattern(
              "bankops_autoscaler_scale_events_total\\{direction=\"up\",pool=\"stable\"\\}"
                  + " [1-9]");
    }
    assertThat(runtime.list().size()).isGreaterThanOrEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> !notified("scaling.scaled_out").isEmpty());
    JsonObject out = notified("scaling.scaled_out").get(0);
    assertThat(out.getString("summary")).startsWith("Scaling out pool stable: 1 → ");
    assertThat(out.getJsonObject("fields").getString("direction")).isEqualTo("up");
    assertThat(out.getJsonObject("fields").getString("reason")).isNotBlank();
  }

  @Test
  @Order(4)
  void whenLoadStopsScaleInDrainsAndStopsInstancesWithoutAFailedRequest() throws Exception {
    Set<String> before = ids(runtime.list());
    try (Load steady = new Load(1)) {
      // a start still running finishes first (never two actions at once), then 3 -> 2 -> 1
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  runtime.list().size() == 1
                      && !scaling.loop().status().get(0).action().startsWith("drain"));
      Thread.sleep(500);
      System.out.printf(
          "AutoscalerIT: scale-in to 1 instance under steady load: %d requests, %d failed%n",
          steady.ok.get(), steady.failures.size());
      assertThat(steady.failures).as("0 non-2xx over the whole phase").isEmpty();
      assertThat(steady.ok.get()).isGreaterThan(50);
    }
    Set<String> gone = new java.util.HashSet<>(before);
    gone.removeAll(ids(runtime.list()));
    assertThat(gone).isNotEmpty();
    for (String id : gone) {
      assertThat(appliance.membership().snapshot().member(id)).isEmpty();
    }
    List<Decision> drains =
        scaling.loop().decisions(1000).stream()
            .filter(d -> d.action().startsWith("drain"))
            .toList();
    assertThat(drains).isNotEmpty();
    assertThat(drains.get(0).mode()).isEqualTo("stable");
    JsonObject decisions = adminJson("GET", "/admin/autoscaler/decisions?limit=5", null);
    assertThat(decisions.getJsonArray("decisions")).hasSize(5);
    assertThat(decisions.getJsonArray("decisions").getJsonObject(4).getString("reason"))
        .isNotBlank();
    assertThat(registry.scrape())
        .containsPattern(
            "bankops_autoscaler_scale_events_total\\{direction=\"down\",pool=\"stable\"\\} [1-9]");
    await().atMost(Duration.ofSeconds(10)).until(() -> !notified("scaling.scaled_in").isEmpty());
    assertThat(notified("scaling.scaled_in").get(0).getJsonObject("fields").getInteger("instances"))
        .isPositive();
  }

  @Test
  @Order(5)
  void anAlertFloorAddsAnInstanceAndItsResolutionRemovesIt() throws Exception {
    String alert =
        "{\"version\": \"4\", \"status\": \"%s\", \"receiver\": \"bankops\", \"alerts\":"
            + " [{\"status\": \"%s\", \"fingerprint\": \"0f1e2d3c\", \"labels\": {\"alertname\":"
            + " \"BankLatencyHigh\", \"bankops_scale_floor\": \"2\"}, \"annotations\": {}}]}";
    JsonObject fired =
        adminJson("POST", "/admin/hooks/alertmanager", alert.formatted("firing", "firing"));
    assertThat(fired.getJsonArray("applied")).hasSize(1);
    JsonObject again =
        adminJson("POST", "/admin/hooks/alertmanager", alert.formatted("firing", "firing"));
    assertThat(again.getJsonArray("applied")).as("deduplicated by fingerprint").isEmpty();
    try (Load steady = new Load(1)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> runtime.list().size() == 2);
      adminJson("POST", "/admin/hooks/alertmanager", alert.formatted("resolved", "resolved"));
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> runtime.list().size() == 1);
      assertThat(steady.failures).isEmpty();
    }
  }

  private static Decision lastDecision() {
    List<Decision> d = scaling.loop().decisions(1);
    return d.isEmpty()
        ? new Decision(
            java.time.Instant.EPOCH,
            "",
            "",
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            "",
            "",
            "none")
        : d.get(0);
  }

  private static Set<String> ids(List<Instance> instances) {
    Set<String> out = new java.util.HashSet<>();
    instances.forEach(i -> out.add(i.id()));
    return out;
  }

  /** Closed-loop clients reading accounts through the balancer until closed. */
  static final class Load implements AutoCloseable {
    final AtomicInteger ok = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Set<String> servedBy = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Load(int clients) {
      for (int c = 0; c < clients; c++) {
        String account = accounts.get(c % accounts.size());
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    try {
                      HttpResponse<String> r = bank("GET", "/accounts/" + account, null);
                      if (r.statusCode() / 100 == 2) {
                        ok.incrementAndGet();
                        r.headers().firstValue("X-Bank-Instance").ifPresent(servedBy::add);
                      } else {
                        failures.add(r.statusCode() + " " + r.body());
                      }
                    } catch (Exception e) {
                      if (running.get()) {
                        failures.add(e.toString());
                      }
                    }
                  }
                },
                "load-" + c);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(15_000);
      }
    }
  }

  static HttpResponse<String> bank(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appliance.httpPort() + path))
            .timeout(Duration.ofSeconds(10));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return JDK.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + admin.port() + path);
  }

  static HttpResponse<String> adminCall(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(adminUri(path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TOKEN);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return JDK.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject adminJson(String method, String path, String body) throws Exception {
    HttpResponse<String> r = adminCall(method, path, body);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }
}
