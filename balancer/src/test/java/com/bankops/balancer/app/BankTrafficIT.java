package com.bankops.balancer.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.PoolName;
import com.bankops.bank.app.EmbeddedDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The appliance in front of real bank instances (separate JVMs from the shaded bank-demo jar) on a
 * real PostgreSQL, under concurrent load of reads and keyed transfers: changing the canary share,
 * draining a backend and SIGKILLing one must fail no request and move no money twice.
 */
@TestMethodOrder(OrderAnnotation.class)
class BankTrafficIT {
  private static final int ACCOUNTS = 20;
  private static final long INITIAL = 1_000_000;
  private static final Path BANK_JAR =
      Path.of(
          System.getProperty("bank.jar", "../bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar"));

  static EmbeddedDatabase db;
  static Vertx applianceVertx;
  static Appliance appliance;
  static final Map<String, Process> banks = new ConcurrentHashMap<>();
  static final Map<String, Integer> ports = new ConcurrentHashMap<>();
  static final List<String> accounts = new ArrayList<>();
  // every transfer answered 201, by idempotency key: {from, to, amount}
  static final Map<String, long[]> moved = new ConcurrentHashMap<>();
  static final Map<String, Integer> index = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    assertThat(BANK_JAR)
        .as("bank-demo shaded jar (built by the reactor before this module)")
        .exists();
    db = EmbeddedDatabase.startTemporary();
    startBank("b1", "1.0.0");
    startBank("b2", "1.0.0");
    startBank("b3", "2.0.0");
    ApplianceConfig config =
        ApplianceConfig.fromYaml(
            "http: {port: 0}\nadmin: {port: 0}\nrouting: {slowStartMs: 0}\n"
                + "health: {intervalMs: 500, timeoutMs: 400}\nproxy: {maxAttempts: 3, minRetriesPerSecond: 50}\n",
            Map.of());
    applianceVertx = Vertx.vertx();
    appliance =
        Appliance.start(
                applianceVertx,
                config,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                System::nanoTime)
            .await(20, TimeUnit.SECONDS);
    add("b1", PoolName.STABLE, "1.0.0");
    add("b2", PoolName.STABLE, "1.0.0");
    add("b3", PoolName.CANARY, "2.0.0");
    for (int i = 0; i < ACCOUNTS; i++) {
      JsonObject a =
          send(
                  HttpMethod.POST,
                  "/accounts",
                  null,
                  new JsonObject().put("owner", "owner-" + i).put("initialBalance", INITIAL))
              .get(10, TimeUnit.SECONDS)
              .json();
      accounts.add(a.getString("id"));
      index.put(a.getString("id"), i);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (appliance != null) {
      appliance.stop().await(10, TimeUnit.SECONDS);
      applianceVertx.close().await(10, TimeUnit.SECONDS);
    }
    banks.values().forEach(Process::destroyForcibly);
    if (db != null) {
      db.close();
    }
  }

  private static void startBank(String id, String version) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("bank-" + id, ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                BANK_JAR.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment()
        .putAll(
            Map.of(
                "BANK_PORT",
                Integer.toString(port),
                "BANK_DB_URL",
                db.url(),
                "BANK_VERSION",
                version,
                "BANK_INSTANCE_ID",
                id));
    banks.put(id, pb.start());
    ports.put(id, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        HttpURLConnection c =
            (HttpURLConnection)
                URI.create("http://127.0.0.1:" + port + "/health/ready").toURL().openConnection();
        c.setConnectTimeout(200);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("bank " + id + " not ready; log: " + Files.readString(log));
  }

  private static void add(String id, PoolName pool, String version) {
    appliance.membership().add(new Backend(id, pool, "127.0.0.1", ports.get(id), version));
  }

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  // Test traffic goes through the JDK's HTTP client, independent of the Vert.x code under test.
  private static final java.net.http.HttpClient JDK =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .build();

  private static CompletableFuture<Reply> send(
      HttpMethod method, String uri, Map<String, String> headers, JsonObject body) {
    var b =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + appliance.httpPort() + uri))
            .timeout(Duration.ofSeconds(20));
    if (headers != null) {
      headers.forEach(b::header);
    }
    if (body != null) {
      b.header("content-type", "application/json");
    }
    b.method(
        method.name(),
        body == null
            ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(body.encode()));
    return JDK.sendAsync(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Reply(r.statusCode(), r.body()));
  }

  /** Load: 16 workers alternating reads and keyed transfers until the deadline. */
  private static final class Load {
    final AtomicInteger ok = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Set<String> servedBy = ConcurrentHashMap.newKeySet();
    private final long minUntil;
    private final long maxUntil;
    private static final int MIN_REQUESTS = 400;
    private final SplittableRandom seeds = new SplittableRandom(42);

    /**
     * Runs at least {@code d} and at least {@link #MIN_REQUESTS} requests, so that a slow machine
     * still puts the change under real load; never longer than 60 s.
     */
    Load(Duration d) {
      long now = System.nanoTime();
      minUntil = now + d.toNanos();
      maxUntil = now + Duration.ofSeconds(60).toNanos();
    }

    private boolean finished() {
      long now = System.nanoTime();
      return now >= maxUntil || (now >= minUntil && ok.get() + failures.size() >= MIN_REQUESTS);
    }

    CompletableFuture<Void> run(int workers) {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop(seeds.split(), "client-" + w, done);
        all.add(done);
      }
      return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void loop(SplittableRandom rnd, String clientId, CompletableFuture<Void> done) {
      if (finished()) {
        done.complete(null);
        return;
      }
      int from = rnd.nextInt(ACCOUNTS);
      CompletableFuture<Reply> f;
      String key = null;
      long[] transfer = null;
      if (rnd.nextBoolean()) {
        f =
            send(
                HttpMethod.GET,
                "/accounts/" + accounts.get(from),
                Map.of("x-client-id", clientId),
                null);
      } else {
        int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        long amount = 1 + rnd.nextInt(100);
        key = "k-" + Long.toHexString(rnd.nextLong());
        transfer = new long[] {from, to, amount};
        f =
            send(
                HttpMethod.POST,
                "/transfers",
                Map.of("x-client-id", clientId, "idempotency-key", key),
                new JsonObject()
                    .put("from", accounts.get(from))
                    .put("to", accounts.get(to))
                    .put("amount", amount));
      }
      String k = key;
      long[] t = transfer;
      f.whenComplete(
          (reply, error) -> {
            if (error == null && reply.status() / 100 == 2) {
              ok.incrementAndGet();
              if (k != null) {
                moved.put(k, t);
              }
            } else {
              failures.add(error == null ? reply.status() + " " + reply.body() : error.toString());
            }
            loop(rnd, clientId, done);
          });
    }
  }

  private static void assertMoneyMovedExactlyOnce() throws Exception {
    long[] expected = new long[ACCOUNTS];
    java.util.Arrays.fill(expected, INITIAL);
    for (long[] t : moved.values()) {
      expected[(int) t[0]] -= t[2];
      expected[(int) t[1]] += t[2];
    }
    long total = 0;
    for (int i = 0; i < ACCOUNTS; i++) {
      long balance =
          send(HttpMethod.GET, "/accounts/" + accounts.get(i), null, null)
              .get(10, TimeUnit.SECONDS)
              .json()
              .getLong("balance");
      assertThat(balance).as("balance of account %d", i).isEqualTo(expected[i]);
      total += balance;
    }
    assertThat(total).isEqualTo(ACCOUNTS * INITIAL);
  }

  @Test
  @Order(1)
  void changingTheCanaryShareUnderLoadFailsNoRequest() throws Exception {
    Load load = new Load(Duration.ofSeconds(6));
    CompletableFuture<Void> running = load.run(16);
    int[] steps = {100, 1000, 5000, 10_000, 2500, 0};
    for (int bp : steps) {
      Thread.sleep(900);
      appliance.setCanaryBasisPoints(bp);
    }
    running.get(90, TimeUnit.SECONDS);
    assertThat(load.failures).as("failed requests").isEmpty();
    assertThat(load.ok.get()).isGreaterThanOrEqualTo(Load.MIN_REQUESTS);
    assertThat(appliance.membership().snapshot().member("b3").orElseThrow().stats().totalCount())
        .isPositive();
    assertMoneyMovedExactlyOnce();
  }

  @Test
  @Order(2)
  void drainingABackendUnderLoadFailsNoRequest() throws Exception {
    appliance.setCanaryBasisPoints(1000);
    Load load = new Load(Duration.ofSeconds(5));
    CompletableFuture<Void> running = load.run(16);
    Thread.sleep(1500);
    assertThat(appliance.drain("b2", Duration.ofSeconds(10))).isPresent();
    running.get(90, TimeUnit.SECONDS);
    assertThat(load.failures).as("failed requests").isEmpty();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> appliance.membership().snapshot().member("b2").isEmpty());
    assertMoneyMovedExactlyOnce();
    add("b2", PoolName.STABLE, "1.0.0");
  }

  @Test
  @Order(3)
  void killingABackendUnderLoadFailsNoIdempotentRequest() throws Exception {
    appliance.setCanaryBasisPoints(0);
    Load load = new Load(Duration.ofSeconds(6));
    CompletableFuture<Void> running = load.run(16);
    Thread.sleep(1500);
    banks.get("b1").destroyForcibly(); // SIGKILL: in-flight requests are cut, the port closes
    running.get(90, TimeUnit.SECONDS);
    assertThat(load.failures)
        .as("failed requests (every request is a GET or carries a key)")
        .isEmpty();
    assertThat(load.ok.get()).isGreaterThanOrEqualTo(Load.MIN_REQUESTS);
    assertMoneyMovedExactlyOnce();
  }
}
