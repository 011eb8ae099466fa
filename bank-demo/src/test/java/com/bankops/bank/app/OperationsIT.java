package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health, metrics, history, fault injection and in-process draining. */
class OperationsIT {
  private static Vertx vertx;
  private static BankServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    vertx = BankTelemetry.newVertx(BankTelemetry.newRegistry());
    // start(vertx, config) finds the registry the Vert.x instance reports into
    server = await(BankServer.start(vertx, BankConfig.forDatabase(SharedDatabase.get().url())));
    http = new TestHttp(vertx, server.port(), 8);
  }

  @AfterAll
  static void stop() {
    http.close();
    await(server.close());
    await(vertx.close());
  }

  @Test
  void healthAnswers() {
    TestHttp.Res live = http.get("/health/live");
    TestHttp.Res ready = http.get("/health/ready");
    assertThat(live.status()).isEqualTo(200);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
    assertThat(ready.headers().get("X-Bank-Instance")).isEqualTo(server.instanceId());
  }

  @Test
  void metricsShowHttpRequestsAndTransfers() {
    String a = http.openAccount("m1", 100);
    String b = http.openAccount("m2", 0);
    assertThat(
            http.post("/transfers", new JsonObject().put("from", a).put("to", b).put("amount", 5))
                .status())
        .isEqualTo(201);

    TestHttp.Res metrics = http.get("/metrics");

    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("bank_transfers_total{outcome=\"committed\"}")
        .contains("vertx_http_server_requests_total{")
        .contains("route=\"/transfers\"")
        .contains("vertx_http_server_response_time_seconds");
  }

  @Test
  void historyListsEntriesNewestFirst() {
    String a = http.openAccount("h1", 100);
    String b = http.openAccount("h2", 0);
    http.post("/accounts/" + a + "/deposits", new JsonObject().put("amount", 20));
    String transferId =
        http.post("/transfers", new JsonObject().put("from", a).put("to", b).put("amount", 70))
            .json()
            .getString("id");

    JsonObject history = http.get("/accounts/" + a + "/transactions").json();

    assertThat(history.getString("accountId")).isEqualTo(a);
    assertThat(
            history.getJsonArray("transactions").stream()
                .map(o -> ((JsonObject) o).getString("type")))
        .containsExactly("transfer_out", "deposit", "opening");
    JsonObject last = history.getJsonArray("transactions").getJsonObject(0);
    assertThat(last.getLong("amount")).isEqualTo(-70);
    assertThat(last.getLong("balanceAfter")).isEqualTo(50);
    assertThat(last.getString("transferId")).isEqualTo(transferId);
  }

  @Test
  @Timeout(60)
  void injectedErrorsAnswer500AndTouchNothing() {
    String a = http.openAccount("f1", 100);
    String b = http.openAccount("f2", 0);
    BankServer faulty =
        await(
            BankServer.start(
                vertx, BankConfig.forDatabase(SharedDatabase.get().url()).withFaults(1.0, 0)));
    try (TestHttp toFaulty = new TestHttp(vertx, faulty.port(), 2)) {
      TestHttp.Res res =
          toFaulty.post(
              "/transfers", new JsonObject().put("from", a).put("to", b).put("amount", 5));
      assertThat(res.status()).isEqualTo(500);
      assertThat(res.json().getString("error")).isEqualTo("injected_fault");
      assertThat(toFaulty.get("/health/ready").status())
          .as("health is not a business route")
          .isEqualTo(200);
      assertThat(http.balance(a)).isEqualTo(100);
    } finally {
      await(faulty.close());
    }
  }

  @Test
  @Timeout(60)
  void injectedLatencyDelaysBusinessRequestsOnly() {
    BankServer slow =
        await(
            BankServer.start(
                vertx, BankConfig.forDatabase(SharedDatabase.get().url()).withFaults(0.0, 300)));
    try (TestHttp toSlow = new TestHttp(vertx, slow.port(), 2)) {
      long t0 = System.nanoTime();
      toSlow.openAccount("slow", 1);
      long businessMillis = (System.nanoTime() - t0) / 1_000_000;
      long t1 = System.nanoTime();
      toSlow.get("/health/live");
      long healthMillis = (System.nanoTime() - t1) / 1_000_000;
      assertThat(businessMillis).isGreaterThanOrEqualTo(300);
      assertThat(healthMillis).isLessThan(300);
    } finally {
      await(slow.close());
    }
  }

  @Test
  @Timeout(60)
  void closeFinishesInFlightRequestsAndTurnsNotReady() {
    String a = http.openAccount("d1", 100);
    String b = http.openAccount("d2", 0);
    BankServer draining =
        await(
            BankServer.start(
                vertx, BankConfig.forDatabase(SharedDatabase.get().url()).withFaults(0.0, 800)));
    try (TestHttp toDraining = new TestHttp(vertx, draining.port(), 2)) {
      Future<TestHttp.Res> inFlight =
          toDraining.postJson(
              "/transfers",
              new JsonObject().put("from", a).put("to", b).put("amount", 30),
              Map.of());
      sleep(Duration.ofMillis(300)); // the request is now held by the fault timer
      Future<Void> closed = draining.close();
      assertThat(draining.draining()).isTrue();

      assertThat(await(inFlight).status()).isEqualTo(201);
      await(closed);
      assertThat(http.balance(b)).isEqualTo(30);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
