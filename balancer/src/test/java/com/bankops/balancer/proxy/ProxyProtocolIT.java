package com.bankops.balancer.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.balancer.app.Appliance;
import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.PoolName;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/1.1 on the wire through the data plane, for each proxy engine: raw sockets on both sides
 * (clients written byte by byte, backends in {@link WireBackend}) so framing, connection reuse and
 * header handling are seen as they are, not as an HTTP client library reports them.
 *
 * <p>Where an engine is known to get a case wrong, that engine's run is skipped by an assumption
 * that names the defect; the case still holds the other engine to it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyProtocolIT {
  /** Every case runs once per {@code proxy.engine}. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"netty", "vertx"})
  @interface BothEngines {}

  /**
   * Cases the vertx engine fails (Vert.x's server decides them before the proxy sees the request);
   * the netty engine, the default, is held to them. docs/benchmarks.md lists the differences.
   */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"netty"})
  @interface NettyOnly {}

  Appliance appliance;
  Vertx applianceVertx;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (appliance != null) {
      appliance.stop().await(10, TimeUnit.SECONDS);
      applianceVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * @param proxy extra keys of the {@code proxy} section besides the engine
   * @param sections further whole sections; an {@code http} one must set {@code port: 0}
   */
  private void start(String engine, String proxy, String sections) throws Exception {
    String yaml =
        "proxy: {engine: "
            + engine
            + (proxy.isEmpty() ? "" : ", " + proxy)
            + "}\n"
            + (sections.contains("http:") ? "" : "http: {port: 0}\n")
            + "routing: {slowStartMs: 0}\n"
            // no active check mid-test: a raw backend sees only the requests the test made
            + "health: {intervalMs: 60000, timeoutMs: 1000}\n"
            + "admin: {port: 0}\n"
            + sections;
    ApplianceConfig config = ApplianceConfig.fromYaml(yaml, Map.of());
    applianceVertx = Vertx.vertx();
    appliance =
        Appliance.start(
                applianceVertx,
                config,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                System::nanoTime)
            .await(10, TimeUnit.SECONDS);
  }

  private void start(String engine) throws Exception {
    start(engine, "", "");
  }

  private WireBackend backend(WireBackend.Responder responder) throws Exception {
    WireBackend b = new WireBackend(responder);
    closeables.add(b);
    appliance
        .membership()
        .add(new Backend("wire-" + b.port(), PoolName.STABLE, "127.0.0.1", b.port(), "1"));
    return b;
  }

  private WireClient client() throws IOException {
    WireClient c = new WireClient(appliance.httpPort());
    closeables.add(0, c); // closed before the backends and the appliance
    return c;
  }

  private static final String HOST = "Host: bank.example\r\n";

  private static long param(String target, String name, long otherwise) {
    int q = target.indexOf('?');
    if (q >= 0) {
      for (String p : target.substring(q + 1).split("&")) {
        if (p.startsWith(name + "=")) {
          return Long.parseLong(p.substring(name.length() + 1));
        }
      }
    }
    return otherwise;
  }

  /** Echoes the request line, after {@code ?ms=N} milliseconds if the target asks for a delay. */
  private static final WireBackend.Responder SLOW_ECHO =
      (req, nth, out) -> {
        Thread.sleep(param(req.target(), "ms", 0));
        return WireBackend.ECHO.answer(req, nth, out);
      };

  // 1. client pipelining

  @BothEngines
  void pipelinedRequestsAreAnsweredInOrderEachWithItsOwnRequestId(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(SLOW_ECHO);
    WireClient c = client();
    // the first answer is the slowest: an engine running them side by side must still queue;
    // the POST's body must not be taken for the start of the next request
    c.send(
        "GET /p?n=1&ms=300 HTTP/1.1\r\n"
            + HOST
            + "\r\nPOST /p?n=2 HTTP/1.1\r\n"
            + HOST
            + "Content-Length: 5\r\n\r\nhello"
            + "GET /p?n=3&ms=100 HTTP/1.1\r\n"
            + HOST
            + "\r\n");
    Set<String> ids = new HashSet<>();
    for (String line : List.of("GET /p?n=1&ms=300", "POST /p?n=2", "GET /p?n=3&ms=100")) {
      Wire.Response r = c.read(line.substring(0, line.indexOf(' ')));
      assertThat(r.status()).isEqualTo(200);
      String id = r.header("x-request-id");
      assertThat(r.text()).isEqualTo(line + " rid=" + id);
      ids.add(id);
    }
    assertThat(ids).hasSize(3).doesNotContainNull();
    assertThat(b.hits()).isEqualTo(3);
    assertThat(new String(b.seen.get(1).request().body(), StandardCharsets.US_ASCII))
        .isEqualTo("hello");
  }

  // 2. HTTP/1.0 clients

  @BothEngines
  void http10WithoutKeepAliveGetsACompleteResponseAndTheConnectionCloses(String engine)
      throws Exception {
    start(engine);
    backend(WireBackend.ECHO);
    WireClient c = client();
    Wire.Response r = c.send("GET /ten HTTP/1.0\r\n" + HOST + "\r\n").read("GET");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.head().chunked()).as("HTTP/1.0 has no chunked coding").isFalse();
    assertThat(r.text()).startsWith("GET /ten rid=");
    assertThat(c.closedWithin(3_000)).as("closed after the response").isTrue();
  }

  @BothEngines
  void http10WithKeepAliveKeepsTheConnectionForASecondRequest(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    for (String path : List.of("/first", "/second")) {
      Wire.Response r =
          c.send("GET " + path + " HTTP/1.0\r\n" + HOST + "Connection: keep-alive\r\n\r\n")
              .read("GET");
      assertThat(r.status()).isEqualTo(200);
      // an HTTP/1.0 client learns that the connection persists only from this token
      assertThat(r.head().tokens("connection")).contains("keep-alive");
      assertThat(r.header("content-length")).isNotNull();
      assertThat(r.text()).startsWith("GET " + path + " rid=");
    }
    assertThat(b.hits()).isEqualTo(2);
  }

  @BothEngines
  void http10ClientGetsAStreamedBackendBodyDelimitedByTheClose(String engine) throws Exception {
    start(engine);
    byte[] payload = Wire.ascii("streamed ".repeat(1000));
    backend(
        (req, nth, out) -> {
          out.write(Wire.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
          for (int i = 0; i < payload.length; i += 1000) {
            out.write(Wire.ascii(Integer.toHexString(1000) + "\r\n"));
            out.write(payload, i, 1000);
            out.write(Wire.ascii("\r\n"));
            out.flush();
          }
          out.write(Wire.ascii("0\r\n\r\n"));
          return true;
        });
    WireClient c = client();
    Wire.Response r = c.send("GET /stream HTTP/1.0\r\n" + HOST + "\r\n").read("GET");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.head().chunked()).as("HTTP/1.0 has no chunked coding").isFalse();
    assertThat(r.body()).isEqualTo(payload);
  }

  // 3. Connection: close from an HTTP/1.1 client

  @BothEngines
  void connectionCloseIsAnsweredWithConnectionCloseAndTheSocketCloses(String engine)
      throws Exception {
    start(engine);
    backend(WireBackend.ECHO);
    WireClient c = client();
    Wire.Response r =
        c.send("GET /bye HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n").read("GET");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).startsWith("GET /bye rid=");
    assertThat(r.head().tokens("connection")).contains("close");
    assertThat(c.closedWithin(3_000)).as("closed after the response").isTrue();
  }

  // 4. HEAD

  @BothEngines
  void headAnswersTheGetHeadersWithoutABodyAndTheConnectionGoesOn(String engine) throws Exception {
    start(engine);
    backend(
        (req, nth, out) -> {
          int size = (int) param(req.target(), "size", 0);
          if (req.target().startsWith("/chunked")) {
            // HEAD of a resource the backend would stream: the head says chunked, no chunk follows
            out.write(Wire.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            if (req.method().equals("GET")) {
              out.write(Wire.ascii("3\r\nabc\r\n0\r\n\r\n"));
            }
          } else if (req.method().equals("HEAD")) {
            out.write(Wire.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
          } else {
            Wire.writeResponse(out, "HTTP/1.1 200 OK", "", Wire.ascii("h".repeat(size)));
          }
          return true;
        });
    WireClient c = client();
    // a small body and one above the proxy's whole-body threshold (streamed)
    for (int size : new int[] {12, 200_000}) {
      String target = "/doc?size=" + size;
      Wire.Response head = c.send("HEAD " + target + " HTTP/1.1\r\n" + HOST + "\r\n").read("HEAD");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo(Integer.toString(size));
      Wire.Response get = c.get(target);
      assertThat(get.body()).as("the GET after the HEAD, framed right").hasSize(size);
    }
    Wire.Response head = c.send("HEAD /chunked HTTP/1.1\r\n" + HOST + "\r\n").read("HEAD");
    assertThat(head.status()).isEqualTo(200);
    assertThat(c.get("/chunked").text()).isEqualTo("abc");
    assertThat(c.closedWithin(200)).as("open, and no stray body bytes").isFalse();
  }

  // 5. 204 and 304

  @BothEngines
  void noContentAndNotModifiedCarryNoBodyAndTheConnectionsAreReused(String engine)
      throws Exception {
    start(engine);
    WireBackend b =
        backend(
            (req, nth, out) -> {
              switch (req.target()) {
                case "/204" -> out.write(Wire.ascii("HTTP/1.1 204 No Content\r\nX-N: 1\r\n\r\n"));
                case "/304" ->
                    out.write(Wire.ascii("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"));
                // a 304 may state the length of the body it does not send (RFC 9110 §8.6)
                case "/304-length" ->
                    out.write(
                        Wire.ascii(
                            "HTTP/1.1 304 Not Modified\r\nETag: \"v2\"\r\nContent-Length: 1234\r\n\r\n"));
                default -> WireBackend.ECHO.answer(req, nth, out);
              }
              return true;
            });
    WireClient c = client();
    for (int round = 0; round < 2; round++) {
      Wire.Response none = c.get("/204");
      assertThat(none.status()).isEqualTo(204);
      assertThat(none.header("x-n")).isEqualTo("1");
      assertThat(none.head().chunked()).isFalse();
      assertThat(c.get("/after-204").text()).startsWith("GET /after-204 rid=");
      Wire.Response notModified = c.get("/304");
      assertThat(notModified.status()).isEqualTo(304);
      assertThat(notModified.header("etag")).isEqualTo("\"v1\"");
      assertThat(c.get("/after-304").text()).startsWith("GET /after-304 rid=");
      Wire.Response withLength = c.get("/304-length");
      assertThat(withLength.status()).isEqualTo(304);
      assertThat(withLength.header("etag")).isEqualTo("\"v2\"");
      assertThat(c.get("/after-304-length").text()).startsWith("GET /after-304-length rid=");
    }
    assertThat(c.closedWithin(200)).as("open, and no stray body bytes").isFalse();
    assertThat(b.hits()).isEqualTo(12);
    assertThat(b.connectionsUsed()).as("one backend connection, reused throughout").isEqualTo(1);
  }

  // 6. a large streamed response to a slow reader

  @BothEngines
  void aLargeChunkedResponseReachesASlowReaderComplete(String engine) throws Exception {
    start(engine);
    long total = 8L << 20;
    AtomicReference<String> sent = new AtomicReference<>();
    backend(
        (req, nth, out) -> {
          if (!req.target().equals("/big")) {
            return WireBackend.ECHO.answer(req, nth, out);
          }
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          SplittableRandom random = new SplittableRandom(42);
          out.write(Wire.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
          byte[] chunk = new byte[64 * 1024];
          for (long left = total; left > 0; ) {
            int n = (int) Math.min(left, 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            sha.update(chunk, 0, n);
            out.write(Wire.ascii(Integer.toHexString(n) + "\r\n"));
            out.write(chunk, 0, n);
            out.write(Wire.ascii("\r\n"));
            left -= n;
          }
          out.write(Wire.ascii("0\r\n\r\n"));
          sent.set(HexFormat.of().formatHex(sha.digest()));
          return true;
        });
    WireClient c = client();
    long started = System.nanoTime();
    c.send("GET /big HTTP/1.1\r\n" + HOST + "\r\n");
    Thread.sleep(500); // not reading yet: the proxy must hold the backend back, losing nothing
    InputStream plain = c.in;
    c.in = new WireClient.Throttled(plain, 256 * 1024, 10); // about 25 MiB/s at most
    Wire.Head head = Wire.readHead(c.in);
    assertThat(Wire.status(head)).isEqualTo(200);
    MessageDigest received = MessageDigest.getInstance("SHA-256");
    WireClient.CountingDigest sink = new WireClient.CountingDigest(received);
    Wire.readBody(c.in, head, sink);
    c.in = plain;
    assertThat(sink.count).isEqualTo(total);
    assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(sent.get());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    assertThat(c.get("/after").text()).startsWith("GET /after rid=");
  }

  // 7. a large upload

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Answers with the length and SHA-256 of the body it received, and how it was framed. */
  private static final WireBackend.Responder DIGEST =
      (req, nth, out) -> {
        String framing =
            req.head().chunked()
                ? "chunked"
                : req.head().get("content-length") == null ? "none" : "length";
        Wire.writeResponse(
            out,
            "HTTP/1.1 200 OK",
            "",
            Wire.ascii(req.body().length + " " + sha256(req.body()) + " " + framing));
        return true;
      };

  @BothEngines
  void aLargeUploadArrivesByteExact(String engine) throws Exception {
    start(engine, "", "http: {port: 0, maxBodyBytes: 16777216}");
    WireBackend b = backend(DIGEST);
    byte[] upload = new byte[4 << 20];
    new SplittableRandom(7).nextBytes(upload);
    String expected = upload.length + " " + sha256(upload) + " length";
    WireClient c = client();
    // without Idempotency-Key the body streams; with one it is buffered for a retry. Either way
    // the client's Content-Length is kept: backends may refuse chunked uploads
    for (String key : new String[] {"", "Idempotency-Key: up-1\r\n"}) {
      c.send(
          "POST /upload HTTP/1.1\r\n"
              + HOST
              + key
              + "Content-Type: application/octet-stream\r\nContent-Length: "
              + upload.length
              + "\r\n\r\n");
      for (int i = 0; i < upload.length; i += 64 * 1024) {
        c.out.write(upload, i, 64 * 1024);
      }
      c.out.flush();
      Wire.Response r = c.read("POST");
      assertThat(r.status())
          .as("upload %s", key.isEmpty() ? "streamed" : "buffered")
          .isEqualTo(200);
      assertThat(r.text()).isEqualTo(expected);
    }
    assertThat(b.hits()).isEqualTo(2);
  }

  // 8. a chunked request body

  @BothEngines
  void aChunkedRequestBodyArrivesCompleteAndFramed(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(DIGEST);
    WireClient c = client();
    // a chunk extension is valid syntax (RFC 9112 §7.1.1) and must not end up in the body
    Wire.Response r =
        c.send(
                "POST /chunked HTTP/1.1\r\n"
                    + HOST
                    + "Transfer-Encoding: chunked\r\n\r\n"
                    + "5;note=x\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            .read("POST");
    assertThat(r.status()).isEqualTo(200);
    String hello = sha256(Wire.ascii("hello world"));
    assertThat(r.text()).matches("11 " + hello + " (length|chunked)");
    Wire.Request seen = b.seen.get(0).request();
    assertThat(seen.head().get("content-length") != null && seen.head().chunked())
        .as("never both Content-Length and chunked")
        .isFalse();
    assertThat(c.get("/next").status()).isEqualTo(200);
    assertThat(b.seen.get(1).request().target())
        .as("the next request on the connection, after the last chunk")
        .isEqualTo("/next");
  }

  // 9. Expect: 100-continue

  @BothEngines
  void expectContinueGets100ThenTheFinalResponse(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(DIGEST);
    WireClient c = client();
    // small (buffered) and above the buffering threshold without a key (streamed)
    for (int size : new int[] {11, 300_000}) {
      byte[] body = Wire.ascii("e".repeat(size));
      c.send(
          "POST /expect HTTP/1.1\r\n"
              + HOST
              + "Expect: 100-continue\r\nContent-Length: "
              + size
              + "\r\n\r\n");
      Wire.Response interim = c.read("POST");
      assertThat(interim.status()).as("interim before the body is sent").isEqualTo(100);
      c.send(body);
      Wire.Response r = c.read("POST");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo(size + " " + sha256(body) + " length");
    }
    assertThat(b.hits()).isEqualTo(2);
  }

  // 10. a backend that closes its connections

  @BothEngines
  void aBackendClosingEveryThirdRequestLosesNoRequest(String engine) throws Exception {
    start(engine);
    WireBackend b =
        backend(
            (req, nth, out) -> {
              boolean last = nth == 3;
              Wire.writeResponse(
                  out,
                  "HTTP/1.1 200 OK",
                  last ? "Connection: close\r\n" : "",
                  WireBackend.echo(req));
              return !last;
            });
    WireClient c = client();
    for (int i = 0; i < 20; i++) {
      Wire.Response r = c.get("/n?i=" + i);
      assertThat(r.status()).as("request %d", i).isEqualTo(200);
      assertThat(r.text()).startsWith("GET /n?i=" + i + " rid=");
    }
    assertThat(b.hits()).isEqualTo(20);
    // each connection reused up to its close, none after: ceil(20 / 3)
    assertThat(b.connectionsUsed()).isEqualTo(7);
  }

  @BothEngines
  void aConnectionTheBackendSaidCloseOnIsNeverReusedEvenBeforeItCloses(String engine)
      throws Exception {
    start(engine);
    WireBackend b =
        backend(
            (req, nth, out) -> {
              Wire.writeResponse(
                  out,
                  "HTTP/1.1 200 OK",
                  "Connection: close\r\n",
                  "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
              out.flush();
              Thread.sleep(300); // said close, closes later: the socket is still open meanwhile
              return false;
            });
    WireClient c = client();
    for (int i = 0; i < 3; i++) {
      Wire.Response r = c.get("/said-close?i=" + i);
      assertThat(r.status()).as("request %d", i).isEqualTo(200);
    }
    assertThat(b.connectionsUsed()).as("one connection per request").isEqualTo(3);
  }

  @BothEngines
  void aBackendClosingIdleConnectionsUnannouncedLosesNoRequest(String engine) throws Exception {
    start(engine);
    WireBackend b =
        backend(
            (req, nth, out) -> {
              WireBackend.ECHO.answer(req, nth, out);
              if (nth < 3) {
                return true;
              }
              out.flush();
              Thread.sleep(20); // then close, as a keep-alive timeout or request limit would
              return false;
            });
    WireClient c = client();
    for (int i = 0; i < 12; i++) {
      Thread.sleep(150); // the close has reached the proxy before the next request
      Wire.Response r = c.get("/n?i=" + i);
      assertThat(r.status()).as("request %d", i).isEqualTo(200);
      assertThat(r.text()).startsWith("GET /n?i=" + i + " rid=");
    }
    assertThat(b.hits()).isEqualTo(12);
    assertThat(b.connectionsUsed()).as("reused up to each close: ceil(12 / 3)").isEqualTo(4);
  }

  // 11. clients that leave mid-request

  @BothEngines
  void clientsLeavingBeforeTheAnswerDoNotPoisonTheBackendConnections(String engine)
      throws Exception {
    // one backend connection per event loop: the follow-ups must share the abandoned ones
    start(engine, "maxConnectionsPerBackend: 1", "");
    WireBackend b = backend(SLOW_ECHO);
    WireClient left = client();
    left.send("GET /slow?ms=500&who=fin HTTP/1.1\r\n" + HOST + "\r\n");
    WireClient reset = client();
    reset.socket.setSoLinger(true, 0); // the close sends RST
    reset.send("GET /slow?ms=500&who=rst HTTP/1.1\r\n" + HOST + "\r\n");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> b.hits() == 2);
    left.close();
    reset.close();
    WireClient after = client();
    for (int i = 0; i < 10; i++) {
      Wire.Response r = after.get("/after?i=" + i);
      assertThat(r.status()).as("request %d", i).isEqualTo(200);
      assertThat(r.text()).as("its own answer").startsWith("GET /after?i=" + i + " rid=");
    }
  }

  // 12. malformed requests

  @BothEngines
  void aMalformedRequestLineAnswers400AndCloses(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    Wire.Response r = c.send("GARBAGE\r\n\r\n").read("GET");
    assertThat(r.status()).isBetween(400, 499);
    assertThat(c.closedWithin(3_000)).as("closed after the 4xx").isTrue();
    assertThat(b.hits()).isZero();
  }

  @BothEngines
  void aMalformedHeaderLineAnswers400AndCloses(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    Wire.Response r = c.send("GET / HTTP/1.1\r\n" + HOST + "no colon here\r\n\r\n").read("GET");
    assertThat(r.status()).isEqualTo(400);
    assertThat(c.closedWithin(3_000)).as("closed after the 400").isTrue();
    assertThat(b.hits()).isZero();
  }

  @BothEngines
  void aHeaderBlockAboveTheLimitAnswers431(String engine) throws Exception {
    start(engine, "", "http: {port: 0, maxHeaderBytes: 2048}");
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    assertThat(c.get("/fits").status()).isEqualTo(200);
    Wire.Response r =
        c.send("GET / HTTP/1.1\r\n" + HOST + "X-Big: " + "y".repeat(4000) + "\r\n\r\n").read("GET");
    assertThat(r.status()).isEqualTo(431);
    assertThat(b.hits()).isEqualTo(1);
  }

  @BothEngines
  void headerWhitespaceBeforeTheColonAnswers400(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    // RFC 9112 §5.1: must be rejected; proxies that strip the space disagree with their backends
    Wire.Response r = c.send("GET / HTTP/1.1\r\n" + HOST + "X-Thing : 1\r\n\r\n").read("GET");
    assertThat(r.status()).isEqualTo(400);
    assertThat(c.closedWithin(3_000)).as("closed after the 400").isTrue();
    assertThat(b.hits()).isZero();
  }

  @NettyOnly
  void aRequestWithoutHostOrWithTwoAnswers400(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    // RFC 9112 §3.2: an HTTP/1.1 request with no Host, or more than one, must be answered 400
    Map<String, Integer> statuses = new java.util.LinkedHashMap<>();
    for (String fields : List.of("", HOST + "Host: other.example\r\n")) {
      WireClient c = client();
      Wire.Response r = c.send("GET /host HTTP/1.1\r\n" + fields + "\r\n").read("GET");
      statuses.put(fields.isEmpty() ? "no Host" : "two Host", r.status());
    }
    // netty only: the vertx engine forwards an HTTP/1.1 request without Host, or with two
    assertThat(statuses).containsEntry("no Host", 400).containsEntry("two Host", 400);
    assertThat(b.hits()).isZero();
  }

  @BothEngines
  void aBareCarriageReturnInAHeaderValueIsNotForwarded(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    // RFC 9112 §2.2: a bare CR must be rejected or replaced by SP; a backend taking it for a line
    // end would read a header the proxy never saw
    Wire.Response r =
        c.send("GET /cr HTTP/1.1\r\n" + HOST + "X-A: a\rX-Injected: b\r\n\r\n").read("GET");
    if (r.status() == 400) {
      assertThat(b.hits()).isZero();
      return;
    }
    assertThat(r.status()).isEqualTo(200);
    Wire.Head seen = b.seen.get(0).request().head();
    assertThat(seen.get("x-a")).doesNotContain("\r");
  }

  @BothEngines
  void anObsoleteLineFoldingIsRejectedOrUnfolded(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    // RFC 9112 §5.2: reject with 400, or replace each fold by SP before forwarding
    Wire.Response r =
        c.send("GET /fold HTTP/1.1\r\n" + HOST + "X-A: one\r\n  two\r\n\r\n").read("GET");
    if (r.status() == 400) {
      assertThat(b.hits()).isZero();
      return;
    }
    assertThat(r.status()).isEqualTo(200);
    assertThat(b.seen.get(0).request().head().get("x-a")).matches("one +two");
  }

  @BothEngines
  void differingContentLengthsAnswer400(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    // RFC 9112 §6.3: the framing is unknowable; a server must answer 400 and close
    Wire.Response r =
        c.send(
                "POST /two-lengths HTTP/1.1\r\n"
                    + HOST
                    + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!")
            .read("POST");
    assertThat(r.status()).isEqualTo(400);
    assertThat(c.closedWithin(3_000)).as("closed after the 400").isTrue();
    assertThat(b.hits()).isZero();
  }

  @NettyOnly
  void contentLengthWithChunkedSmugglesNoRequest(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    // by the length, the body is "0\r\n\r\nG"; by the chunked coding it is empty and a GET follows
    Wire.Response r =
        c.send(
                "POST /cl-te HTTP/1.1\r\n"
                    + HOST
                    + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\n"
                    + HOST
                    + "\r\n")
            .read("POST");
    // RFC 9112 §6.1: reject, or go by the chunked coding alone; either way close after answering
    assertThat(r.status()).isIn(200, 400);
    for (WireBackend.Seen s : b.seen) {
      assertThat(s.request().head().get("content-length") != null && s.request().head().chunked())
          .as("never both Content-Length and chunked forwarded")
          .isFalse();
    }
    c.socket.setSoTimeout(1_000);
    Wire.Response hidden = null;
    try {
      hidden = c.read("GET");
    } catch (java.io.EOFException | SocketException | SocketTimeoutException none) {
      // closed (as required), or at least nothing served
    }
    // netty only: the vertx engine keeps the connection open and serves the smuggled request
    assertThat(hidden).as("an answer to the request hidden in the body").isNull();
    assertThat(b.seen.stream().map(s -> s.request().target())).doesNotContain("/smuggled");
    assertThat(c.closedWithin(3_000)).as("closed after the answer").isTrue();
  }

  @NettyOnly
  void aTransferCodingNotEndingInChunkedAnswers400(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    // RFC 9112 §6.1: the body length cannot be known; a server must answer 400 and close
    Wire.Response r =
        c.send(
                "POST /gzip HTTP/1.1\r\n"
                    + HOST
                    + "Transfer-Encoding: gzip\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\n"
                    + HOST
                    + "\r\n")
            .read("POST");
    // netty only: the vertx engine forwards it without a body and serves the bytes after it
    assertThat(r.status()).isEqualTo(400);
    assertThat(c.closedWithin(3_000)).as("closed after the 400").isTrue();
    assertThat(b.hits()).isZero();
  }

  // a backend that fails mid-body

  @BothEngines
  void aBodyTheBackendCutsShortNeverLooksComplete(String engine) throws Exception {
    start(engine);
    backend(
        (req, nth, out) -> {
          switch (req.target()) {
            case "/short-length" -> {
              out.write(Wire.ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
              out.write(new byte[50]);
            }
            case "/short-streamed-length" -> {
              out.write(Wire.ascii("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n"));
              out.write(new byte[100_000]);
            }
            default -> {
              out.write(Wire.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
              out.write(Wire.ascii("3e8\r\n"));
              out.write(new byte[1000]);
              out.write(Wire.ascii("\r\n"));
            }
          }
          return false; // the close before the end of the body
        });
    for (String t : List.of("/short-length", "/short-streamed-length", "/short-chunked")) {
      WireClient c = client();
      Wire.Response r;
      try {
        r = c.get(t);
      } catch (java.io.EOFException | SocketException cut) {
        continue; // the client sees the failure: the proxy ended the connection mid-response
      }
      // a whole response it may be, but only one the proxy made to say the backend failed
      assertThat(r.status()).as(t).isEqualTo(502);
    }
  }

  // interim responses from the backend

  @BothEngines
  void anEarlyHintFromTheBackendIsNotTakenForTheFinalResponse(String engine) throws Exception {
    start(engine);
    backend(
        (req, nth, out) -> {
          if (req.target().equals("/hinted")) {
            out.write(
                Wire.ascii("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"));
            out.flush();
          }
          return WireBackend.ECHO.answer(req, nth, out);
        });
    WireClient c = client();
    // passing the 103 on is allowed, dropping it too; taking it for the answer is not
    Wire.Response r = c.get("/hinted");
    while (r.status() == 103) {
      r = c.read("GET");
    }
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).startsWith("GET /hinted rid=");
    assertThat(c.get("/next").text()).startsWith("GET /next rid=");
  }

  // 13. hop-by-hop headers on the response

  @BothEngines
  void hopByHopResponseHeadersStayBehindAndEndToEndOnesPassWithAllValues(String engine)
      throws Exception {
    start(engine);
    backend(
        (req, nth, out) -> {
          Wire.writeResponse(
              out,
              "HTTP/1.1 200 OK",
              "Connection: keep-alive, X-Secret\r\n"
                  + "X-Secret: 1\r\n"
                  + "Keep-Alive: timeout=5, max=100\r\n"
                  + "Proxy-Authenticate: Basic realm=\"inner\"\r\n"
                  + "Proxy-Connection: keep-alive\r\n"
                  + "Upgrade: h2c\r\n"
                  + "Cache-Control: no-store\r\n"
                  + "Set-Cookie: a=1; Path=/\r\n"
                  + "Set-Cookie: b=2; Path=/; HttpOnly\r\n"
                  + "Vary: Accept\r\n"
                  + "Vary: Origin\r\n",
              Wire.ascii("ok"));
          return true;
        });
    WireClient c = client();
    // a client key of its own: the proxy then sets no cookie of its own
    Wire.Response r =
        c.send("GET /h HTTP/1.1\r\n" + HOST + "X-Client-Id: alice\r\n\r\n").read("GET");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("ok");
    for (String hop :
        List.of("x-secret", "keep-alive", "proxy-authenticate", "proxy-connection", "upgrade")) {
      assertThat(r.head().all(hop)).as(hop).isEmpty();
    }
    assertThat(r.head().tokens("connection")).doesNotContain("x-secret");
    assertThat(r.head().all("cache-control")).containsExactly("no-store");
    assertThat(r.head().all("set-cookie")).containsExactly("a=1; Path=/", "b=2; Path=/; HttpOnly");
    assertThat(r.head().tokens("vary")).containsExactly("accept", "origin");
    assertThat(c.get("/next").status()).as("the connection goes on").isEqualTo(200);
  }

  // 14. request targets

  @BothEngines
  void unusualButValidTargetsReachTheBackendUnchanged(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    List<String> targets =
        List.of(
            "/a%20b?x=1&y=%2F",
            "/%E2%82%AC/p;v=1?q=a+b&empty=&flag",
            "//double//slash/?a=%3D%26",
            "/dots/%2e%2e/kept",
            "/q?");
    for (String t : targets) {
      assertThat(c.get(t).status()).as(t).isEqualTo(200);
    }
    assertThat(b.seen.stream().map(s -> s.request().target()).toList())
        .containsExactlyElementsOf(targets);
  }

  @NettyOnly
  void anAbsoluteFormTargetReachesTheBackendInOriginForm(String engine) throws Exception {
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    // netty only: the vertx engine forwards an absolute-form target as is
    WireClient c = client();
    // RFC 9112 §3.2.2: a server must accept absolute-form; to an origin it sends origin-form
    Wire.Response r = c.get("http://bank.example/a%20b?x=1&y=%2F");
    assertThat(r.status()).isEqualTo(200);
    assertThat(b.seen.get(0).request().target()).isEqualTo("/a%20b?x=1&y=%2F");
    assertThat(b.seen.get(0).request().head().all("x-forwarded-host"))
        .as("the target's authority, not Host")
        .containsExactly("bank.example");
  }

  // 15. the request head the backend gets

  @NettyOnly
  void theForwardedRequestHeadKeepsEndToEndLinesAndAppendsToTheForwardingOnes(String engine)
      throws Exception {
    // netty only: the vertx engine keeps the first X-Forwarded-For line only
    start(engine);
    WireBackend b = backend(WireBackend.ECHO);
    WireClient c = client();
    Wire.Response r =
        c.send(
                "GET /head HTTP/1.1\r\n"
                    + "Host: bank.example\r\n"
                    + "X-Forwarded-For: 10.0.0.1\r\n"
                    + "X-Forwarded-For: 10.0.0.2\r\n"
                    + "X-Forwarded-Proto: https\r\n"
                    + "Accept: a/b\r\n"
                    + "Accept: c/d\r\n"
                    + "Connection: X-Hop\r\n"
                    + "X-Hop: gone\r\n"
                    + "Content-Length: 0\r\n\r\n")
            .read("GET");
    assertThat(r.status()).isEqualTo(200);
    Wire.Head seen = b.seen.get(0).request().head();
    assertThat(b.seen.get(0).request().version()).isEqualTo("HTTP/1.1");
    assertThat(seen.all("host")).hasSize(1).doesNotContain("bank.example");
    assertThat(seen.all("x-forwarded-for")).containsExactly("10.0.0.1, 10.0.0.2, 127.0.0.1");
    assertThat(seen.all("x-forwarded-proto")).containsExactly("https");
    assertThat(seen.all("x-forwarded-host")).containsExactly("bank.example");
    assertThat(seen.all("accept")).containsExactly("a/b", "c/d");
    assertThat(seen.all("x-hop")).isEmpty();
    assertThat(seen.all("connection")).isEmpty();
    assertThat(seen.all("content-length")).containsExactly("0");
    assertThat(seen.all("x-request-id")).hasSize(1);
    assertThat(r.head().all("x-request-id")).isEqualTo(seen.all("x-request-id"));
  }
}
