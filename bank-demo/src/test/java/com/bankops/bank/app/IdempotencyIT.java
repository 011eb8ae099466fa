package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two instances on one database: a key is honoured once, whichever instance gets the replay. */
class IdempotencyIT {
  private static final int REPLAYS = 10;

  private static Vertx vertx;
  private static BankServer first;
  private static BankServer second;
  private static TestHttp toFirst;
  private static TestHttp toSecond;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    BankConfig config = BankConfig.forDatabase(SharedDatabase.get().url());
    first = await(BankServer.start(vertx, config));
    second = await(BankServer.start(vertx, config));
    toFirst = new TestHttp(vertx, first.port(), REPLAYS);
    toSecond = new TestHttp(vertx, second.port(), REPLAYS);
  }

  @AfterAll
  static void stop() {
    toFirst.close();
    toSecond.close();
    await(first.close());
    await(second.close());
    await(vertx.close());
  }

  @Test
  @Timeout(60)
  void concurrentReplaysOfATransferMoveMoneyOnce() {
    String from = toFirst.openAccount("payer", 1_000);
    String to = toFirst.openAccount("payee", 0);
    JsonObject body = new JsonObject().put("from", from).put("to", to).put("amount", 250);
    String key = "transfer-" + UUID.randomUUID();

    List<TestHttp.Res> answers = sendConcurrently("/transfers", body, key);

    assertThat(answers).extracting(TestHttp.Res::status).containsOnly(201);
    assertThat(answers).extracting(TestHttp.Res::body).containsOnly(answers.get(0).body());
    assertThat(answers.stream().filter(r -> r.headers().get("Idempotency-Replayed") == null))
        .as("exactly one answer did the work")
        .hasSize(1);
    assertThat(answers)
        .extracting(r -> r.headers().get("X-Bank-Instance"))
        .contains(first.instanceId(), second.instanceId());
    assertThat(toSecond.balance(from)).isEqualTo(750);
    assertThat(toSecond.balance(to)).isEqualTo(250);
    assertThat(
            Sql.queryLong(
                SharedDatabase.get().target(),
                "SELECT count(*) FROM transfers WHERE from_account = ?",
                from))
        .isEqualTo(1);

    // the same key with another amount is refused, naming the header, and moves nothing
    TestHttp.Res reused =
        toSecond.post("/transfers", body.copy().put("amount", 999), Map.of("Idempotency-Key", key));
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.json().getString("field")).isEqualTo("Idempotency-Key");
    assertThat(toFirst.balance(from)).isEqualTo(750);
    assertThat(toFirst.balance(to)).isEqualTo(250);
  }

  @Test
  @Timeout(60)
  void concurrentReplaysOfADepositCreditOnce() {
    String account = toFirst.openAccount("saver", 10);
    String key = "deposit-" + UUID.randomUUID();

    List<TestHttp.Res> answers =
        sendConcurrently(
            "/accounts/" + account + "/deposits", new JsonObject().put("amount", 40), key);

    assertThat(answers).extracting(TestHttp.Res::status).containsOnly(201);
    assertThat(answers).extracting(TestHttp.Res::body).containsOnly(answers.get(0).body());
    assertThat(answers.get(0).json().getLong("balance")).isEqualTo(50);
    assertThat(toSecond.balance(account)).isEqualTo(50);
  }

  @Test
  @Timeout(60)
  void aRefusalIsReplayedAsTheFirstAnswerEvenAfterFundsArrive() {
    String from = toFirst.openAccount("short", 100);
    String to = toFirst.openAccount("hopeful", 0);
    JsonObject body = new JsonObject().put("from", from).put("to", to).put("amount", 500);
    Map<String, String> key = Map.of("Idempotency-Key", "refusal-" + UUID.randomUUID());

    TestHttp.Res refused = toFirst.post("/transfers", body, key);
    assertThat(refused.status()).isEqualTo(422);
    toFirst.post("/accounts/" + from + "/deposits", new JsonObject().put("amount", 1_000));
    TestHttp.Res replay = toSecond.post("/transfers", body, key);

    assertThat(replay.status()).isEqualTo(422);
    assertThat(replay.body()).isEqualTo(refused.body());
    assertThat(toFirst.balance(from)).isEqualTo(1_100);
    assertThat(toFirst.balance(to)).isZero();
  }

  /** Sends the same request with the same key REPLAYS times at once, alternating instances. */
  private static List<TestHttp.Res> sendConcurrently(String path, JsonObject body, String key) {
    List<Future<TestHttp.Res>> pending = new ArrayList<>();
    for (int i = 0; i < REPLAYS; i++) {
      TestHttp http = i % 2 == 0 ? toFirst : toSecond;
      pending.add(http.postJson(path, body, Map.of("Idempotency-Key", key)));
    }
    await(Future.join(pending));
    return pending.stream().map(Future::result).toList();
  }

  @Test
  @Timeout(60)
  void keysOlderThanTheRetentionAreForgottenAndNewerOnesKept() {
    String account = toFirst.openAccount("saver", 0);
    JsonObject deposit = new JsonObject().put("amount", 100);
    String oldKey = "old-" + UUID.randomUUID();
    String newKey = "new-" + UUID.randomUUID();
    toFirst.post("/accounts/" + account + "/deposits", deposit, Map.of("Idempotency-Key", oldKey));
    toFirst.post("/accounts/" + account + "/deposits", deposit, Map.of("Idempotency-Key", newKey));
    Sql.queryStrings(
        SharedDatabase.get().target(),
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = ?"
            + " RETURNING key",
        oldKey);

    var store = com.bankops.bank.store.BankStore.postgres(vertx, SharedDatabase.get().target(), 1);
    try {
      int removed = await(store.expireIdempotencyKeys(BankServer.IDEMPOTENCY_RETENTION));
      assertThat(removed).isGreaterThanOrEqualTo(1);
    } finally {
      await(store.close());
    }
    String keys = "SELECT count(*) FROM idempotency_keys WHERE key = ?";
    assertThat(Sql.queryLong(SharedDatabase.get().target(), keys, oldKey)).isZero();
    assertThat(Sql.queryLong(SharedDatabase.get().target(), keys, newKey)).isEqualTo(1);
    // the kept key still replays: no second deposit
    TestHttp.Res replay =
        toSecond.post(
            "/accounts/" + account + "/deposits", deposit, Map.of("Idempotency-Key", newKey));
    assertThat(replay.headers().get("Idempotency-Replayed")).isEqualTo("true");
    assertThat(toSecond.balance(account)).isEqualTo(200);
  }
}
