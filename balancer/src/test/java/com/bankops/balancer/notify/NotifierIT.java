package com.bankops.balancer.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.config.NotificationsConfig;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The notifier against real receivers on 127.0.0.1: JDK HTTP servers taking JSON and Slack bodies,
 * a GreenMail SMTP server, a receiver that fails twice, a port that refuses connections and one
 * that accepts and never answers.
 */
class NotifierIT {
  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private Notifier notifier;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (notifier != null) {
      notifier.close().await(10, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A JDK HTTP server that records request bodies and answers with {@code status(n)}. */
  private static final class Receiver implements AutoCloseable {
    final HttpServer server;
    final ConcurrentLinkedQueue<JsonObject> bodies = new ConcurrentLinkedQueue<>();
    final List<Long> arrivalsNanos = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();

    Receiver(IntUnaryOperator status) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          ex -> {
            arrivalsNanos.add(System.nanoTime());
            int n = requests.incrementAndGet();
            byte[] body = ex.getRequestBody().readAllBytes();
            int s = status.applyAsInt(n);
            if (s / 100 == 2) {
              bodies.add(new JsonObject(new String(body, StandardCharsets.UTF_8)));
            }
            ex.sendResponseHeaders(s, -1);
            ex.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Accepts connections and never answers. */
  private static final class Hanging implements AutoCloseable {
    final ServerSocket socket;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();

    Hanging() throws IOException {
      socket = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
      Thread t =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(socket.accept());
                  }
                } catch (IOException closed) {
                  // closed by the test
                }
              },
              "hanging-receiver");
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  private static int refusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort(); // closed again: connecting is refused
    }
  }

  private Receiver receiver(IntUnaryOperator status) throws IOException {
    Receiver r = new Receiver(status);
    toClose.add(r);
    return r;
  }

  private Notifier start(String yaml) {
    NotificationsConfig c = ApplianceConfig.fromYaml(yaml, Map.of()).notifications();
    notifier =
        Notifier.create(
            vertx, c, registry, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
    return notifier;
  }

  private double count(String receiver, String outcome) {
    Counter c =
        registry
            .find("bankops_notifications")
            .tag("receiver", receiver)
            .tag("outcome", outcome)
            .counter();
    return c == null ? -1 : c.count();
  }

  private static Notification event(int i) {
    return new Notification(
        "rollout.step_advanced",
        Instant.parse("2026-11-25T20:00:00Z").plusSeconds(i),
        "Step " + i + ": canary at " + i + "%",
        Map.of("version", "2.1.0", "step", i, "canaryPercent", (double) i));
  }

  @Test
  void jsonSlackAndMailReachRealReceivers() throws Exception {
    Receiver json = receiver(n -> 204);
    Receiver slack = receiver(n -> 200);
    GreenMail mail =
        new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    mail.start();
    toClose.add(mail::stop);
    start(
        """
        notifications:
          enabled: true
          webhooks:
            - {name: ops, url: "%s"}
            - {name: chat, url: "%s", format: slack}
          email:
            enabled: true
            host: 127.0.0.1
            port: %d
            starttls: disabled
            from: bankops@example.test
            to: "oncall@example.test, lead@example.test"
        """
            .formatted(json.url(), slack.url(), mail.getSmtp().getPort()));

    for (int i = 1; i <= 3; i++) {
      notifier.publish(event(i));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> json.bodies.size() == 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> slack.bodies.size() == 3);
    // 3 mails × 2 recipients (waitForIncomingEmail counts only mail arriving after the call)
    await().atMost(Duration.ofSeconds(10)).until(() -> mail.getReceivedMessages().length == 6);

    JsonObject first =
        json.bodies.stream()
            .filter(b -> b.getString("summary").startsWith("Step 1"))
            .findFirst()
            .orElseThrow();
    assertThat(first.getString("type")).isEqualTo("rollout.step_advanced");
    assertThat(first.getString("at")).isEqualTo("2026-11-25T20:00:01Z");
    assertThat(first.getJsonObject("fields").getInteger("step")).isEqualTo(1);
    assertThat(first.getJsonObject("fields").getString("version")).isEqualTo("2.1.0");

    JsonObject s = slack.bodies.peek();
    assertThat(s.getString("text")).startsWith("rollout.step_advanced: Step ");
    assertThat(s.getJsonArray("blocks").getJsonObject(0).getString("type")).isEqualTo("section");

    MimeMessage[] got = mail.getReceivedMessages();
    assertThat(got).hasSize(6);
    List<String> subjects = new ArrayList<>();
    for (MimeMessage m : got) {
      subjects.add(m.getSubject());
      assertThat(m.getFrom()[0].toString()).isEqualTo("bankops@example.test");
      assertThat(m.getHeader("X-Bankops-Event")).containsExactly("rollout.step_advanced");
    }
    assertThat(subjects).contains("[bankops] rollout.step_advanced: Step 2: canary at 2%");
    assertThat(GreenMailUtil.getBody(got[0]))
        .contains("version: 2.1.0", "event: rollout.step_advanced");

    await().atMost(Duration.ofSeconds(5)).until(() -> count("email", "delivered") == 3);
    assertThat(count("ops", "delivered")).isEqualTo(3);
    assertThat(count("chat", "delivered")).isEqualTo(3);
    assertThat(count("ops", "failed")).isZero();
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("bankops_notifications_total{outcome=\"delivered\",receiver=\"ops\"} 3.0")
        .contains("bankops_notification_delivery_seconds_count{receiver=\"email\"} 3");
  }

  @Test
  void aReceiverThatFailsTwiceIsRetriedWithGrowingWaits() throws Exception {
    Receiver flaky = receiver(n -> n <= 2 ? 503 : 204);
    start(
        """
        notifications:
          enabled: true
          webhooks: [{name: flaky, url: "%s"}]
          retry: {maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1000, jitter: 0}
        """
            .formatted(flaky.url()));

    notifier.publish(event(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> count("flaky", "delivered") == 1);
    assertThat(flaky.requests.get()).isEqualTo(3);
    assertThat(flaky.bodies).hasSize(1);
    assertThat(registry.find("bankops_notification_retries").counter().count()).isEqualTo(2);
    List<Long> at = flaky.arrivalsNanos;
    long firstWaitMs = TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0));
    long secondWaitMs = TimeUnit.NANOSECONDS.toMillis(at.get(2) - at.get(1));
    assertThat(firstWaitMs).isGreaterThanOrEqualTo(95); // 100 ms, timer granularity aside
    assertThat(secondWaitMs).isGreaterThanOrEqualTo(195); // doubled
    assertThat(count("flaky", "failed")).isZero();
  }

  @Test
  void aRejectedBodyIsNotRetried() throws Exception {
    Receiver wrong = receiver(n -> 404);
    start(
        """
        notifications:
          enabled: true
          webhooks: [{name: wrong, url: "%s"}]
          retry: {maxAttempts: 5, initialDelayMs: 10}
        """
            .formatted(wrong.url()));

    notifier.publish(event(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> count("wrong", "failed") == 1);
    assertThat(wrong.requests.get()).isEqualTo(1);
  }

  @Test
  void deadReceiversDelayNeitherThePublisherNorTheLiveOne() throws Exception {
    Receiver live = receiver(n -> 204);
    Hanging hanging = new Hanging();
    toClose.add(hanging);
    int refused = refusedPort();
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger("notifications");
    logger.addAppender(log);
    toClose.add(() -> logger.detachAppender(log));
    start(
        """
        notifications:
          enabled: true
          webhooks:
            - {name: hanging, url: "%s"}
            - {name: refused, url: "http://127.0.0.1:%d/hook"}
            - {name: live, url: "%s"}
          retry: {maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200, attemptTimeoutMs: 20000}
        """
            .formatted(hanging.url(), refused, live.url()));
    int n = 20;

    long t0 = System.nanoTime();
    for (int i = 1; i <= n; i++) {
      notifier.publish(event(i));
    }
    long publishMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    await().atMost(Duration.ofSeconds(10)).until(() -> live.bodies.size() == n);
    long liveMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    System.out.printf(
        "[notify] %d publishes took %d ms; the live receiver had all %d after %d ms"
            + " (the hanging one holds its attempts for up to 20000 ms)%n",
        n, publishMs, n, liveMs);
    assertThat(publishMs)
        .isLessThan(1_000); // a publisher waiting on the hanging one would take 20 s
    assertThat(liveMs).isLessThan(5_000); // far below the hanging receiver's 20 s timeout
    assertThat(count("live", "delivered")).isEqualTo(n);

    // the refused port: every notification gives up after 3 attempts, one JSON log line each
    await().atMost(Duration.ofSeconds(15)).until(() -> count("refused", "failed") == n);
    assertThat(
            registry
                .find("bankops_notification_retries")
                .tag("receiver", "refused")
                .counter()
                .count())
        .isEqualTo(2.0 * n);
    List<ILoggingEvent> failures =
        log.list.stream()
            .filter(e -> e.getFormattedMessage().startsWith("notification to refused failed"))
            .toList();
    assertThat(failures).hasSize(n);
    assertThat(failures.get(0).getFormattedMessage()).contains("max attempts (3) reached");
    assertThat(String.valueOf(List.of(failures.get(0).getArgumentArray())))
        .contains("event=notification_failed", "receiver=refused", "attempts=3");

    // the hanging one has taken connections but delivered nothing
    assertThat(hanging.accepted).isNotEmpty();
    assertThat(count("hanging", "delivered")).isZero();
  }

  @Test
  void aHangingReceiverOverflowsItsQueueDroppingTheOldest() throws Exception {
    Hanging hanging = new Hanging();
    toClose.add(hanging);
    start(
        """
        notifications:
          enabled: true
          queueCapacity: 5
          webhooks: [{name: hanging, url: "%s"}]
          retry: {attemptTimeoutMs: 30000}
        """
            .formatted(hanging.url()));

    for (int i = 1; i <= 20; i++) {
      notifier.publish(event(i));
    }

    // 4 attempts hang in flight; of the 16 others, up to 5 wait (how many depends on whether
    // the first attempts started before the later publishes), the rest were dropped
    await().atMost(Duration.ofSeconds(10)).until(() -> hanging.accepted.size() == 4);
    double queued = registry.find("bankops_notification_queued").gauge().value();
    assertThat(queued).isBetween(1.0, 5.0);
    assertThat(count("hanging", "dropped")).isEqualTo(20 - DeliveryLane.MAX_IN_FLIGHT - queued);

    // closing counts the waiting ones and the cut-off attempts as dropped too
    notifier.close().await(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> count("hanging", "dropped") == 20);
    notifier = null;
  }
}
