package com.bankops.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.PoolName;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The data plane against real backends on real sockets: limits, errors, retries, headers. */
class ProxyIT {
  Vertx vertx; // clients and test backends; each test gets fresh ones
  Appliance appliance;
  PrometheusMeterRegistry registry;
  Vertx applianceVertx; // one per test: production runs one appliance per Vert.x instance
  final List<TestBackend> backends = new ArrayList<>();

  @org.junit.jupiter.api.BeforeEach
  void newClient() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (appliance != null) {
      appliance.stop().await(10, TimeUnit.SECONDS);
      applianceVertx.close().await(10, TimeUnit.SECONDS);
    }
    for (TestBackend b : backends) {
      b.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Environment overrides of every appliance a test starts: none, so the default engine. */
  Map<String, String> env() {
    return Map.of();
  }

  private Appliance start(String yaml) throws Exception {
    // tests name whole sections; the defaults fill in what a section leaves out
    String base = "";
    if (!yaml.contains("http:")) {
      base += "http: {port: 0}\n";
    }
    if (!yaml.contains("routing:")) {
      base += "routing: {slowStartMs: 0}\n";
    }
    ApplianceConfig config = ApplianceConfig.fromYaml(base + "admin: {port: 0}\n" + yaml, env());
    applianceVertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    appliance =
        Appliance.start(applianceVertx, config, registry, System::nanoTime)
            .await(10, TimeUnit.SECONDS);
    return appliance;
  }

  private TestBackend backend(String name, PoolName pool) throws Exception {
    TestBackend b = TestBackend.start(vertx, name);
    backends.add(b);
    appliance
        .membership()
        .add(new Backend(name, pool, "127.0.0.1", b.port(), pool == PoolName.CANARY ? "2" : "1"));
    return b;
  }

  private record Reply(int status, Map<String, String> headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /**
   * Test traffic goes through the JDK's HTTP client: an independent, strict client is the better
   * oracle for a proxy built on Vert.x's own (and the Vert.x client driven from a non-Vert.x thread
   * was seen to leave a response undelivered that the proxy had answered).
   */
  private static final java.net.http.HttpClient JDK =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .build();

  private java.net.http.HttpRequest request(
      HttpMethod method, String uri, Map<String, String> headers, String body) {
    var b =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + appliance.httpPort() + uri))
            .timeout(java.time.Duration.ofSeconds(20));
    headers.forEach(b::header);
    return b.method(
            method.name(),
            body == null
                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static Reply reply(java.net.http.HttpResponse<String> resp) {
    Map<String, String> h = new HashMap<>();
    resp.headers().map().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
    return new Reply(resp.statusCode(), h, resp.body());
  }

  private Reply call(HttpMethod method, String uri, Map<String, String> headers, String body)
      throws Exception {
    return reply(
        JDK.send(
            request(method, uri, headers, body),
            java.net.http.HttpResponse.BodyHandlers.ofString()));
  }

  private java.util.concurrent.CompletableFuture<Reply> getAsync(String uri) {
    return JDK.sendAsync(
            request(HttpMethod.GET, uri, Map.of(), null),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .thenApply(ProxyIT::reply);
  }

  private Reply get(String uri) throws Exception {
    return call(HttpMethod.GET, uri, Map.of(), null);
  }

  @Test
  void forwardsAndStripsHopByHopHeaders() throws Exception {
    start("");
    backend("a", PoolName.STABLE);
    // raw socket: HTTP clients refuse to send some of these headers
    String raw;
    try (Socket s = new Socket("127.0.0.1", appliance.httpPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /echo HTTP/1.1\r\nHost: bank.example\r\n"
                  + "Connection: close, X-Secret-Hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
                  + "TE: trailers\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\n"
                  + "X-Request-Id: req-42\r\nX-Custom: kept\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      raw = readResponse(s.getInputStream());
    }
    assertThat(raw).startsWith("HTTP/1.1 200");
    String lower = raw.toLowerCase();
    assertThat(lower).doesNotContain("x-resp-hop"); // named in the backend's Connection header
    assertThat(lower).contains("x-request-id: req-42");
    JsonObject seen =
        new JsonObject(raw.substring(raw.indexOf("\r\n\r\n") + 4)).getJsonObject("headers");
    assertThat(seen.fieldNames())
        .doesNotContain(
            "x-secret-hop", "keep-alive", "te", "proxy-authorization", "proxy-connection")
        .contains("x-custom", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");
    assertThat(seen.getString("x-request-id")).isEqualTo("req-42");
    assertThat(seen.getString("x-forwarded-host")).isEqualTo("bank.example");
    assertThat(seen.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
  }

  /** Reads one HTTP/1.1 response with a Content-Length body, without waiting for the close. */
  private static String readResponse(InputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return head.toString();
      }
      head.append((char) c);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Test
  void generatesRequestIdAndSetsStickyCookie() throws Exception {
    start("");
    backend("a", PoolName.STABLE);
    Reply r = get("/echo");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("x-request-id")).isNotBlank();
    assertThat(r.headers().get("set-cookie")).startsWith("bank_canary=");
    Reply again = call(HttpMethod.GET, "/echo", Map.of("x-client-id", "alice"), null);
    assertThat(again.headers()).doesNotContainKey("set-cookie");
  }

  @Test
  void slowBackendAnswers504WithJson() throws Exception {
    start("proxy: {responseTimeoutMs: 300}");
    backend("slow", PoolName.STABLE);
    Reply r = get("/slow?ms=3000");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.json().getString("error")).isEqualTo("upstream_timeout");
    assertThat(r.json().getString("requestId")).isNotBlank();
    // after a quiet spell longer than the timeout, the loop's timer (always armed) still fires
    Thread.sleep(800);
    long started = System.nanoTime();
    assertThat(get("/slow?ms=3000").status()).isEqualTo(504);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .as("timed out by the 300 ms timeout, not answered after the backend's 3 s")
        .isLessThan(2_000);
  }

  @Test
  void fullQueueAnswers503WithRetryAfter() throws Exception {
    // one connection and two queued requests per event loop: Vert.x's pool (the vertx engine)
    // counts the request whose connection is still being opened as a waiter, so with one place a
    // burst faster than the connect (a loaded CI machine) queued nothing at all; a queued wait
    // ends at the connect timeout, so that is longer than two of the backend's answers
    int loops = Runtime.getRuntime().availableProcessors();
    start(
        "proxy: {maxConnectionsPerBackend: "
            + loops
            + ", maxWaitQueue: "
            + 2 * loops
            + ", responseTimeoutMs: 5000, connectTimeoutMs: 10000}");
    backend("slow", PoolName.STABLE);
    List<java.util.concurrent.CompletableFuture<Reply>> inFlight = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      inFlight.add(getAsync("/slow?ms=2500"));
    }
    // while the connections are busy, the waiting requests are the pool's queue depth; the
    // backend's 2.5 s keep the queue visible long enough for a loaded CI machine (0.8 s once
    // slipped between two polls)
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(() -> appliance.membership().snapshot().member("slow").orElseThrow().queued() > 0);
    int busy = 0;
    int ok = 0;
    for (var f : inFlight) {
      Reply r = f.get(20, TimeUnit.SECONDS);
      if (r.status() == 503) {
        busy++;
        assertThat(r.headers().get("retry-after")).isEqualTo("1");
        assertThat(r.json().getString("error")).isEqualTo("overloaded");
      } else {
        assertThat(r.status()).isEqualTo(200);
        ok++;
      }
    }
    assertThat(busy).isPositive();
    assertThat(ok).isPositive();
    assertThat(appliance.membership().snapshot().member("slow").orElseThrow().queued())
        .as("every wait ended")
        .isZero();
  }

  @Test
  void aBackendThatStallsMidBodyIsCutOffAfterTheResponseTimeout() throws Exception {
    // the response timeout is an idle timeout: it also covers a body that stops coming
    start("proxy: {responseTimeoutMs: 400}");
    try (WireBackend stalling =
        new WireBackend(
            (req, nth, out) -> {
              out.write(Wire.ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
              out.flush();
              Thread.sleep(5_000); // 90 bytes never come
              return false;
            })) {
      appliance
          .membership()
          .add(new Backend("stall", PoolName.STABLE, "127.0.0.1", stalling.port(), "1"));
      long started = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> get("/stall"))
          .as("a truncated body must not look complete")
          .isInstanceOf(java.io.IOException.class);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(ms)
          .as("cut off by the 400 ms idle timeout, not the backend's 5 s")
          .isLessThan(3_000);
    }
  }

  @Test
  void stoppingLetsAnInFlightRequestFinishAndRefusesNewConnections() throws Exception {
    start("");
    TestBackend b = backend("slow", PoolName.STABLE);
    var pending = getAsync("/slow?ms=600");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> b.hits.get() > 0);
    int port = appliance.httpPort();
    var stopped = appliance.stop();
    Reply r = pending.get(10, TimeUnit.SECONDS);
    assertThat(r.status()).as("the request in flight when stop began").isEqualTo(200);
    stopped.await(10, TimeUnit.SECONDS);
    appliance = null;
    applianceVertx.close().await(10, TimeUnit.SECONDS);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void aRequestQueuedLongerThanTheConnectTimeoutAnswers503AndEveryCountReturnsToZero()
      throws Exception {
    // one connection per event loop and a long queue: the queued wait is bounded by the connect
    // timeout, not by the slow answers ahead of it
    int loops = Runtime.getRuntime().availableProcessors();
    start(
        "proxy: {maxConnectionsPerBackend: "
            + loops
            + ", maxWaitQueue: 1000, connectTimeoutMs: 200, responseTimeoutMs: 5000}");
    backend("slow", PoolName.STABLE);
    List<java.util.concurrent.CompletableFuture<Reply>> inFlight = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      inFlight.add(getAsync("/slow?ms=1500"));
    }
    int overloaded = 0;
    for (var f : inFlight) {
      Reply r = f.get(20, TimeUnit.SECONDS);
      if (r.status() == 503) {
        overloaded++;
        assertThat(r.json().getString("error")).isEqualTo("overloaded");
        assertThat(r.headers().get("retry-after")).isEqualTo("1");
      } else {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(overloaded).as("those that waited behind a 1.5 s answer").isPositive();
    var member = appliance.membership().snapshot().member("slow").orElseThrow();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(member.queued()).as("queued").isZero();
              assertThat(member.inFlight()).as("in flight").isZero();
            });
  }

  @Test
  void clientsThatLeaveWhileQueuedOrWaitingLeaveNoCountBehind() throws Exception {
    int loops = Runtime.getRuntime().availableProcessors();
    start(
        "proxy: {maxConnectionsPerBackend: "
            + loops
            + ", maxWaitQueue: 1000, connectTimeoutMs: 5000, responseTimeoutMs: 5000}");
    backend("slow", PoolName.STABLE);
    List<Socket> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Socket s = new Socket("127.0.0.1", appliance.httpPort());
      s.getOutputStream()
          .write(
              "GET /slow?ms=700 HTTP/1.1\r\nHost: bank\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      clients.add(s);
    }
    var member = appliance.membership().snapshot().member("slow").orElseThrow();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> member.queued() > 0);
    for (Socket s : clients) {
      s.close(); // gone while their request is on a backend or waiting for a connection
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(member.queued()).as("queued").isZero();
              assertThat(member.inFlight()).as("in flight").isZero();
            });
    assertThat(get("/echo").status()).as("the pool still serves").isEqualTo(200);
  }

  @Test
  void aSlowClientHoldsBackTheBackendInsteadOfFillingTheProxysMemory() throws Exception {
    // 96 MiB streamed by the backend to a client that stops reading: with backpressure the proxy
    // stops reading the backend once the client's socket is full, so what it holds stays small
    // (kernel socket buffers take some tens of MiB on each side; the proxy's own share must not)
    start("proxy: {responseTimeoutMs: 30000}");
    long total = 96L << 20;
    try (WireBackend streaming =
        new WireBackend(
            (req, nth, out) -> {
              out.write(Wire.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n"));
              byte[] chunk = new byte[1 << 20];
              for (long sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
              }
              return false;
            })) {
      appliance
          .membership()
          .add(new Backend("big", PoolName.STABLE, "127.0.0.1", streaming.port(), "1"));
      var metric = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric();
      long before = metric.usedDirectMemory() + metric.usedHeapMemory();
      try (Socket client = new Socket("127.0.0.1", appliance.httpPort())) {
        client.setReceiveBufferSize(64 * 1024);
        client
            .getOutputStream()
            .write("GET /big HTTP/1.1\r\nHost: bank\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(2_500); // not reading: everything the proxy took in is still somewhere
        long held = metric.usedDirectMemory() + metric.usedHeapMemory() - before;
        assertThat(held)
            .as("bytes the proxy holds for a client that does not read")
            .isLessThan(16L << 20);
        // then read it all: nothing was lost to the pause
        InputStream in = client.getInputStream();
        client.setSoTimeout(20_000);
        assertThat(Wire.readHead(in).startLine()).startsWith("HTTP/1.1 200");
        byte[] buf = new byte[1 << 16];
        long got = 0;
        int n;
        while (got < total && (n = in.read(buf)) > 0) {
          got += n;
        }
        assertThat(got).isEqualTo(total);
      }
    }
  }

  @Test
  void aSlowBackendHoldsBackAStreamedUploadInsteadOfFillingTheProxysMemory() throws Exception {
    // the other direction: a 96 MiB POST (no Idempotency-Key, so streamed) to a backend that
    // stops reading
    start("proxy: {responseTimeoutMs: 30000}\nhttp: {port: 0, maxBodyBytes: 209715200}");
    long total = 96L << 20;
    java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
    try (ServerSocket slow = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      slow.setReceiveBufferSize(64 * 1024);
      Thread t =
          new Thread(
              () -> {
                try (Socket s = slow.accept()) {
                  InputStream in = s.getInputStream();
                  Wire.readHead(in); // the body stays unread
                  resume.await();
                  byte[] buf = new byte[1 << 16];
                  int n;
                  while (received.get() < total && (n = in.read(buf)) > 0) {
                    received.addAndGet(n);
                  }
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                              .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                  // the test ended
                }
              },
              "slow-reading-backend");
      t.setDaemon(true);
      t.start();
      appliance
          .membership()
          .add(new Backend("slow-in", PoolName.STABLE, "127.0.0.1", slow.getLocalPort(), "1"));
      var metric = io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric();
      long before = metric.usedDirectMemory() + metric.usedHeapMemory();
      try (Socket client = new Socket("127.0.0.1", appliance.httpPort())) {
        client.setSoTimeout(30_000);
        OutputStream out = client.getOutputStream();
        Thread writer =
            new Thread(
                () -> {
                  try {
                    out.write(
                        ("POST /upload HTTP/1.1\r\nHost: bank\r\nContent-Length: "
                                + total
                                + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[1 << 20];
                    for (long sent = 0; sent < total; sent += chunk.length) {
                      out.write(chunk);
                    }
                    out.flush();
                  } catch (java.io.IOException e) {
                    // closed by the test
                  }
                },
                "uploading-client");
        writer.setDaemon(true);
        writer.start();
        Thread.sleep(2_500);
        long held = metric.usedDirectMemory() + metric.usedHeapMemory() - before;
        assertThat(held)
            .as("bytes the proxy holds for a backend that does not read")
            .isLessThan(16L << 20);
        resume.countDown();
        assertThat(Wire.readHead(client.getInputStream()).startLine()).startsWith("HTTP/1.1 200");
        assertThat(received.get()).as("the whole body reached the backend").isEqualTo(total);
      }
    }
  }

  @Test
  void noBackendAnswers503() throws Exception {
    start("");
    Reply r = get("/anything");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.json().getString("error")).isEqualTo("no_backend");
  }

  @Test
  void connectFailureRetriesAnyMethodOnAnotherBackend() throws Exception {
    // no active check during the test: one landing before the first request would take the dead
    // backend out, and then no request would ever try it
    start("health: {intervalMs: 60000, timeoutMs: 1000}");
    int deadPort;
    TestBackend live;
    // the live backend binds while the dead port is still held: the kernel may otherwise hand the
    // just-freed port straight to it, and "dead" would answer
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
      live = backend("live", PoolName.STABLE);
    }
    appliance.membership().add(new Backend("dead", PoolName.STABLE, "127.0.0.1", deadPort, "1"));
    for (int i = 0; i < 30; i++) {
      Reply r = call(HttpMethod.POST, "/echo", Map.of("content-type", "text/plain"), "hello");
      assertThat(r.status()).as("request %d", i).isEqualTo(200);
    }
    assertThat(live.hits.get()).isEqualTo(30);
    assertThat(appliance.membership().snapshot().member("dead").orElseThrow().stats().totalErrors())
        .isPositive();
  }

  @Test
  void postWithoutIdempotencyKeyIsNotRetriedAfterReachingABackend() throws Exception {
    start("routing: {picker: round-robin, slowStartMs: 0}");
    TestBackend a = backend("a", PoolName.STABLE);
    TestBackend b = backend("b", PoolName.STABLE);
    Reply r = call(HttpMethod.POST, "/reset", Map.of("content-type", "text/plain"), "pay 10");
    assertThat(r.status()).isEqualTo(502);
    assertThat(r.json().getString("error")).isEqualTo("bad_gateway");
    assertThat(a.hits.get() + b.hits.get()).isEqualTo(1);
  }

  @Test
  void postWithIdempotencyKeyAndGetAreRetriedOnGatewayErrors() throws Exception {
    start("routing: {picker: round-robin, slowStartMs: 0}");
    TestBackend a = backend("a", PoolName.STABLE);
    TestBackend b = backend("b", PoolName.STABLE);
    // both backends answer 503 on this path: the retry happens, then the last answer is passed on
    Reply keyed =
        call(
            HttpMethod.POST,
            "/status/503",
            Map.of("content-type", "text/plain", "idempotency-key", "k-1"),
            "pay 10");
    assertThat(keyed.status()).isEqualTo(503);
    assertThat(a.hits.get() + b.hits.get()).isEqualTo(2);
    Reply plainPost =
        call(HttpMethod.POST, "/status/503", Map.of("content-type", "text/plain"), "pay 10");
    assertThat(plainPost.status()).isEqualTo(503);
    assertThat(a.hits.get() + b.hits.get()).isEqualTo(3);
    Reply getReply = get("/status/502");
    assertThat(getReply.status()).isEqualTo(502);
    assertThat(a.hits.get() + b.hits.get()).isEqualTo(5);
  }

  /** All traffic to the canary; outlier ejection out of the way so every request reaches it. */
  private static final String SHIELD =
      "outlier: {consecutiveFailures: 1000}\nhealth: {intervalMs: 60000, timeoutMs: 1000}\n";

  private double canaryFallbacks() {
    return registry.get("bankops_canary_fallbacks_total").counter().count();
  }

  private long canaryErrors() {
    return appliance.membership().poolStats(PoolName.CANARY).totalErrors();
  }

  /**
   * A passed-on answer is recorded once its last byte was written: maybe after the client read it.
   */
  private void awaitCanaryErrors(long n) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(canaryErrors()).isEqualTo(n));
  }

  @Test
  void aCanary500ToAGetIsShieldedByStableAndStillCountedAgainstTheCanary() throws Exception {
    start(SHIELD + "routing: {canaryPercent: 100, slowStartMs: 0}");
    TestBackend stable = backend("s", PoolName.STABLE);
    TestBackend canary = backend("c", PoolName.CANARY);
    canary.failStatus.set(500);
    for (int i = 0; i < 5; i++) {
      Reply r = call(HttpMethod.GET, "/accounts/" + i, Map.of("x-client-id", "k" + i), null);
      assertThat(r.status()).as("request %d", i).isEqualTo(200);
      assertThat(r.body()).isEqualTo("s");
    }
    assertThat(canary.hits.get()).as("every request tried the canary first").isEqualTo(5);
    assertThat(stable.hits.get()).isEqualTo(5);
    assertThat(canaryErrors())
        .as("the canary's errors, as the rollout analysis sees them")
        .isEqualTo(5);
    assertThat(appliance.membership().snapshot().member("c").orElseThrow().stats().totalErrors())
        .isEqualTo(5);
    assertThat(appliance.membership().poolStats(PoolName.STABLE).totalErrors()).isZero();
    assertThat(canaryFallbacks()).isEqualTo(5.0);
    assertThat(registry.scrape()).contains("bankops_canary_fallbacks_total 5.0");

    // a keyed POST is shielded too: the bank commits its effect and its answer together
    Reply keyed =
        call(
            HttpMethod.POST,
            "/transfers",
            Map.of("content-type", "application/json", "idempotency-key", "t-1"),
            "{}");
    assertThat(keyed.status()).isEqualTo(200);
    assertThat(keyed.body()).isEqualTo("s");
    assertThat(canaryFallbacks()).isEqualTo(6.0);
  }

  @Test
  void aCanary500ToAPostWithoutKeyIsPassedOnNotResent() throws Exception {
    start(SHIELD + "routing: {canaryPercent: 100, slowStartMs: 0}");
    TestBackend stable = backend("s", PoolName.STABLE);
    TestBackend canary = backend("c", PoolName.CANARY);
    canary.failStatus.set(500);
    Reply r = call(HttpMethod.POST, "/transfers", Map.of("content-type", "text/plain"), "pay 10");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("fault c");
    assertThat(canary.hits.get()).isEqualTo(1);
    assertThat(stable.hits.get()).as("a keyless POST is never resent").isZero();
    awaitCanaryErrors(1);
    assertThat(canaryFallbacks()).isZero();
  }

  @Test
  void aCanaryResetAndAStable500FollowTheirOwnRules() throws Exception {
    start(SHIELD + "routing: {canaryPercent: 100, slowStartMs: 0}");
    TestBackend stable = backend("s", PoolName.STABLE);
    TestBackend canary = backend("c", PoolName.CANARY);
    // a canary that drops the connection: the GET is answered by stable
    Reply reset = get("/reset");
    assertThat(reset.status()).isEqualTo(502); // stable resets too on /reset: nothing is left
    assertThat(canary.hits.get()).isEqualTo(1);
    assertThat(stable.hits.get()).isEqualTo(1);
    assertThat(canaryFallbacks()).isEqualTo(1.0);
    // a 500 from stable itself (the canary pool empty, so its share goes to stable) stays a 500
    appliance.membership().remove("c");
    stable.failStatus.set(500);
    Reply r = get("/accounts/1");
    assertThat(r.status()).isEqualTo(500);
    assertThat(stable.hits.get()).isEqualTo(2);
    assertThat(canaryFallbacks()).isEqualTo(1.0);
  }

  @Test
  void withTheShieldOffACanary500IsPassedOn() throws Exception {
    start(SHIELD + "routing: {canaryPercent: 100, slowStartMs: 0, canaryFallback: false}");
    TestBackend stable = backend("s", PoolName.STABLE);
    TestBackend canary = backend("c", PoolName.CANARY);
    canary.failStatus.set(500);
    Reply r = get("/accounts/1");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("fault c");
    assertThat(stable.hits.get()).isZero();
    awaitCanaryErrors(1);
    assertThat(canaryFallbacks()).isZero();
  }

  @Test
  void oversizeBodyAnswers413AndOversizeHeadersAnswer431() throws Exception {
    start("http: {port: 0, maxBodyBytes: 1024, maxHeaderBytes: 2048}");
    TestBackend a = backend("a", PoolName.STABLE);
    Reply big =
        call(HttpMethod.POST, "/echo", Map.of("content-type", "text/plain"), "x".repeat(5000));
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.json().getString("error")).isEqualTo("body_too_large");
    Reply head = call(HttpMethod.GET, "/echo", Map.of("x-big", "y".repeat(4000)), null);
    assertThat(head.status()).isEqualTo(431);
    assertThat(a.hits.get()).isZero();
  }

  @Test
  void emptyCanaryPoolSendsItsShareToStable() throws Exception {
    start("routing: {canaryPercent: 100, slowStartMs: 0}");
    backend("stable-1", PoolName.STABLE);
    for (int i = 0; i < 10; i++) {
      Reply r = call(HttpMethod.GET, "/", Map.of("x-client-id", "c" + i), null);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.headers().get("x-backend")).isEqualTo("stable-1");
    }
  }

  @Test
  void canaryShareIsStickyPerClient() throws Exception {
    start("routing: {canaryPercent: 30, slowStartMs: 0}");
    backend("s", PoolName.STABLE);
    backend("c", PoolName.CANARY);
    int canary = 0;
    for (int i = 0; i < 200; i++) {
      String key = "client-" + i;
      String first = call(HttpMethod.GET, "/", Map.of("x-client-id", key), null).body();
      String second = call(HttpMethod.GET, "/", Map.of("x-client-id", key), null).body();
      assertThat(second).as("client %s stays on its version", key).isEqualTo(first);
      if (first.equals("c")) {
        canary++;
      }
    }
    assertThat(canary).isBetween(35, 85); // 30 % of 200 = 60, loosely
  }

  @Test
  void testerOverrideHeaderForcesThePoolWhenEnabled() throws Exception {
    start("routing: {overrideHeader: {enabled: true, name: X-Canary}, slowStartMs: 0}");
    backend("s", PoolName.STABLE);
    backend("c", PoolName.CANARY);
    assertThat(call(HttpMethod.GET, "/", Map.of("x-canary", "always"), null).body()).isEqualTo("c");
    assertThat(get("/").body()).isEqualTo("s");
  }

  @Test
  void failingActiveChecksEjectABackendAndPassingOnesBringItBack() throws Exception {
    start("health: {intervalMs: 200, timeoutMs: 150, unhealthyThreshold: 2, healthyThreshold: 2}");
    TestBackend a = backend("a", PoolName.STABLE);
    TestBackend b = backend("b", PoolName.STABLE);
    b.healthy.set(false);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> state("b").equals("ejected"));
    int before = b.hits.get();
    for (int i = 0; i < 20; i++) {
      assertThat(get("/").body()).isEqualTo("a");
    }
    assertThat(b.hits.get() - before)
        .as("requests, not probes, that reached b")
        .isLessThanOrEqualTo(2);
    b.healthy.set(true);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> !state("b").equals("ejected"));
    assertThat(a.hits.get()).isPositive();
  }

  @Test
  void consecutiveServerErrorsEjectAnOutlier() throws Exception {
    // Round robin keeps sending to b (P2C would stop picking it after its first failures, which
    // is the point of the failure penalty); active checks are too slow to interfere.
    start(
        "health: {intervalMs: 60000, timeoutMs: 1000}\noutlier: {consecutiveFailures: 3}\n"
            + "routing: {picker: round-robin, slowStartMs: 0}");
    backend("a", PoolName.STABLE);
    TestBackend b = backend("b", PoolName.STABLE);
    b.healthy.set(false); // "/" answers 500
    int errors = 0;
    for (int i = 0; i < 40 && !state("b").equals("ejected"); i++) {
      if (get("/").status() == 500) {
        errors++;
      }
    }
    assertThat(state("b")).isEqualTo("ejected");
    assertThat(errors).isBetween(3, 4);
    for (int i = 0; i < 20; i++) {
      assertThat(get("/").status()).isEqualTo(200);
    }
  }

  @Test
  void aRemovedBackendTakesItsLatencySeriesWithIt() throws Exception {
    start("routing: {picker: round-robin, slowStartMs: 0}");
    backend("a", PoolName.STABLE);
    backend("b", PoolName.STABLE);
    for (int i = 0; i < 20; i++) {
      assertThat(get("/").status()).isEqualTo(200);
    }
    assertThat(registry.scrape()).contains("backend=\"b\"");
    assertThat(appliance.drain("b", java.time.Duration.ofSeconds(5))).isPresent();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> appliance.membership().snapshot().member("b").isEmpty());
    assertThat(registry.scrape()).doesNotContain("backend=\"b\"").contains("backend=\"a\"");
  }

  /**
   * A backend on a raw socket that answers every request head with {@code statusLine}, but only
   * after no further head arrived on that connection for 300 ms, and records the most requests it
   * ever held unanswered on one connection: more than one means they were pipelined.
   */
  private static final class RawBackend implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    final java.util.concurrent.atomic.AtomicInteger maxUnanswered =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger answered =
        new java.util.concurrent.atomic.AtomicInteger();
    final String statusLine;

    RawBackend(String statusLine) throws java.io.IOException {
      this.statusLine = statusLine;
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s), "raw-backend-conn");
                    t.setDaemon(true);
                    t.start();
                  } catch (java.io.IOException closed) {
                    return;
                  }
                }
              },
              "raw-backend");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        int unanswered = 0;
        StringBuilder head = new StringBuilder();
        while (true) {
          s.setSoTimeout(unanswered > 0 ? 300 : 0);
          int c;
          try {
            c = in.read();
          } catch (java.net.SocketTimeoutException quiet) {
            byte[] reply =
                (statusLine + "\r\nContent-Length: 2\r\n\r\nok")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < unanswered; i++) {
              out.write(reply);
            }
            out.flush();
            answered.addAndGet(unanswered);
            unanswered = 0;
            continue;
          }
          if (c < 0) {
            return;
          }
          head.append((char) c);
          if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
            head.setLength(0); // GETs only: no body follows the head
            unanswered++;
            maxUnanswered.accumulateAndGet(unanswered, Math::max);
          }
        }
      } catch (java.io.IOException gone) {
        // the proxy closed the connection
      }
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }

  private int maxUnansweredWithConcurrentGets(boolean pipelining) throws Exception {
    // one backend connection per event loop, so concurrent requests must share it
    start(
        "proxy: {engine: vertx, maxConnectionsPerBackend: 1, upstreamPipelining: "
            + pipelining
            + "}\n");
    try (RawBackend raw = new RawBackend("HTTP/1.1 200 OK")) {
      appliance.membership().add(new Backend("raw", PoolName.STABLE, "127.0.0.1", raw.port(), "1"));
      List<java.util.concurrent.CompletableFuture<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        replies.add(getAsync("/p" + i));
      }
      for (var r : replies) {
        Reply reply = r.get(20, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("ok");
      }
      return raw.maxUnanswered.get();
    }
  }

  @Test
  void upstreamPipeliningSendsRequestsBeforeTheFirstAnswerOnlyWhenEnabled() throws Exception {
    assertThat(maxUnansweredWithConcurrentGets(false)).as("default: one at a time").isEqualTo(1);
    stop();
    appliance = null;
    newClient();
    assertThat(maxUnansweredWithConcurrentGets(true)).as("pipelined").isGreaterThan(1);
  }

  @Test
  void aCustomReasonPhraseOfA200IsKeptAndTheUsualOneStays() throws Exception {
    start("");
    try (RawBackend fine = new RawBackend("HTTP/1.1 200 Fine");
        RawBackend ok = new RawBackend("HTTP/1.1 200 OK")) {
      appliance
          .membership()
          .add(new Backend("fine", PoolName.STABLE, "127.0.0.1", fine.port(), "1"));
      assertThat(rawGet()).startsWith("HTTP/1.1 200 Fine\r\n");
      appliance.membership().remove("fine");
      appliance.membership().add(new Backend("ok", PoolName.STABLE, "127.0.0.1", ok.port(), "1"));
      assertThat(rawGet()).startsWith("HTTP/1.1 200 OK\r\n");
    }
  }

  private String rawGet() throws Exception {
    try (Socket s = new Socket("127.0.0.1", appliance.httpPort())) {
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return readResponse(s.getInputStream());
    }
  }

  private String state(String id) {
    return appliance.membership().snapshot().member(id).orElseThrow().state().wire();
  }
}
