package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bank whose request pool is busy (its one connection waits on a row lock, more requests queue
 * behind it) still answers /health/ready at once: readiness asks whether the database answers, not
 * whether the pool has a free connection. Otherwise the balancer's 1 s health checks time out on
 * every busy instance under a surge and eject them all (docs/benchmarks.md, Gatling surge). And the
 * requests that waited too long for a connection are answered 503 with Retry-After, not 500.
 */
class ReadinessUnderLoadIT {
  /** The balancer's default health-check timeout (bankops-defaults.yaml health.timeoutMs). */
  private static final long BALANCER_CHECK_TIMEOUT_MS = 1_000;

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
                serverVertx, BankConfig.forDatabase(SharedDatabase.get().url()).withDbPoolSize(1)));
    http = new TestHttp(clientVertx, server.port(), 8);
  }

  @AfterAll
  static void stop() {
    http.close();
    await(server.close());
    await(serverVertx.close());
    await(clientVertx.close());
  }

  @Test
  @Timeout(60)
  void readyAnswersWhileEveryPooledConnectionIsBusy() throws Exception {
    String id = http.openAccount("readiness-under-load", 100);
    var db = SharedDatabase.get().target();
    List<Future<TestHttp.Res>> deposits = new ArrayList<>();
    try (Connection lock = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      lock.setAutoCommit(false);
      try (PreparedStatement st =
          lock.prepareStatement("SELECT balance FROM accounts WHERE id = ? FOR UPDATE")) {
        st.setString(1, id);
        st.executeQuery().close();
      }
      // the pool's one connection now waits on the lock; the others wait for that connection
      for (int i = 0; i < 4; i++) {
        deposits.add(
            http.postJson(
                "/accounts/" + id + "/deposits", new JsonObject().put("amount", 1), Map.of()));
      }
      Thread.sleep(300);
      assertThat(deposits).noneMatch(Future::isComplete);

      long t0 = System.nanoTime();
      TestHttp.Res ready = http.get("/health/ready");
      long tookMs = (System.nanoTime() - t0) / 1_000_000;

      assertThat(ready.status()).as(ready.body()).isEqualTo(200);
      assertThat(tookMs).isLessThan(BALANCER_CHECK_TIMEOUT_MS);

      // the requests queued for the connection give up after the pool's wait: an overload (503,
      // retry elsewhere, nothing written), not an internal error (500)
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (deposits.stream().filter(Future::isComplete).count() < deposits.size() - 1
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      List<TestHttp.Res> refused =
          deposits.stream().filter(Future::isComplete).map(Future::result).toList();
      assertThat(refused).hasSize(deposits.size() - 1);
      for (TestHttp.Res r : refused) {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().get("Retry-After")).isEqualTo("1");
        assertThat(r.json().getString("error")).isEqualTo("overloaded");
      }
      lock.rollback();
    }
    // the one deposit that held the connection completes once the lock is gone
    for (Future<TestHttp.Res> d : deposits) {
      assertThat(await(d).status()).isIn(201, 503);
    }
    assertThat(http.balance(id)).isEqualTo(101);
  }
}
