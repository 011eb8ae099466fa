package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 2,000 concurrent transfers among 20 accounts: money is neither created nor lost. */
class ConcurrentTransfersIT {
  private static final int ACCOUNTS = 20;
  private static final int TRANSFERS = 2_000;
  private static final long OPENING = 5_000;

  private static Vertx serverVertx;
  private static Vertx clientVertx;
  private static BankServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    serverVertx = BankTelemetry.newVertx(BankTelemetry.newRegistry());
    clientVertx = Vertx.vertx();
    server =
        await(
            BankServer.start(
                serverVertx,
                BankConfig.forDatabase(SharedDatabase.get().url()).withDbPoolSize(16)));
    http = new TestHttp(clientVertx, server.port(), 100);
  }

  @AfterAll
  static void stop() {
    http.close();
    await(server.close());
    await(serverVertx.close());
    await(clientVertx.close());
  }

  record Sent(String from, String to, long amount, Future<TestHttp.Res> answer) {}

  @Test
  @Timeout(150)
  void totalIsConstantAndNoBalanceGoesNegative() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      ids.add(http.openAccount("load-" + i, OPENING));
    }
    Random random = new Random(20_000);
    List<Sent> sent = new ArrayList<>(TRANSFERS);
    for (int i = 0; i < TRANSFERS; i++) {
      int a = random.nextInt(ACCOUNTS);
      int b = (a + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
      long amount = 1 + random.nextInt(1_500);
      String from = ids.get(a);
      String to = ids.get(b);
      JsonObject body = new JsonObject().put("from", from).put("to", to).put("amount", amount);
      sent.add(new Sent(from, to, amount, http.postJson("/transfers", body, Map.of())));
    }
    await(Future.join(sent.stream().map(Sent::answer).toList()));

    Map<String, Long> expected = new HashMap<>();
    ids.forEach(id -> expected.put(id, OPENING));
    int committed = 0;
    int refused = 0;
    for (Sent s : sent) {
      TestHttp.Res res = s.answer().result();
      assertThat(res.status()).as(res.body()).isIn(201, 422);
      if (res.status() == 201) {
        committed++;
        expected.merge(s.from(), -s.amount(), Long::sum);
        expected.merge(s.to(), s.amount(), Long::sum);
      } else {
        refused++;
        assertThat(res.json().getString("error")).isEqualTo("insufficient_funds");
      }
    }
    assertThat(committed).isGreaterThan(TRANSFERS / 2);

    var db = SharedDatabase.get().target();
    long total = Sql.queryLong(db, "SELECT sum(balance) FROM accounts WHERE id = ANY(?)", ids);
    assertThat(total).isEqualTo(ACCOUNTS * OPENING);
    assertThat(
            Sql.queryLong(
                db, "SELECT count(*) FROM accounts WHERE id = ANY(?) AND balance < 0", ids))
        .isZero();
    assertThat(Sql.queryLong(db, "SELECT count(*) FROM transfers WHERE from_account = ANY(?)", ids))
        .isEqualTo(committed);
    for (String id : ids) {
      // each balance is what the 201 answers add up to, and what the ledger adds up to
      assertThat(http.balance(id)).as("balance of %s", id).isEqualTo(expected.get(id));
      assertThat(Sql.queryLong(db, "SELECT sum(amount) FROM entries WHERE account_id = ?", id))
          .isEqualTo(expected.get(id));
    }
    System.out.printf(
        "concurrent transfers: %d committed, %d refused (insufficient funds)%n",
        committed, refused);
  }
}
