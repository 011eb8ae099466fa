package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo's database: data survives a restart; instances starting together migrate once. */
class EmbeddedDatabaseIT {

  @Test
  @Timeout(120)
  void dataSurvivesARestartAndConcurrentStartsMigrateOnce(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pgdata");
    Vertx vertx = Vertx.vertx();
    String id;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      assertThat(db.url()).startsWith("postgresql://postgres@127.0.0.1:" + db.port() + "/postgres");
      BankConfig config = BankConfig.forDatabase(db.url());
      // three instances racing on a fresh schema: Flyway's lock lets one migrate, all start
      List<Future<BankServer>> starting =
          List.of(
              BankServer.start(vertx, config),
              BankServer.start(vertx, config),
              BankServer.start(vertx, config));
      List<BankServer> servers = await(Future.all(starting)).list();
      try (TestHttp http = new TestHttp(vertx, servers.get(0).port(), 2)) {
        id = http.openAccount("persistent", 4_242);
      }
      for (BankServer s : servers) {
        await(s.close());
      }
      // every migration applied exactly once, though three instances started together
      assertThat(
              Sql.queryStrings(
                  db.target(),
                  "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"))
          .containsExactly("1", "2");
    }

    try (EmbeddedDatabase again = EmbeddedDatabase.start(data, 0)) {
      BankServer server = await(BankServer.start(vertx, BankConfig.forDatabase(again.url())));
      try (TestHttp http = new TestHttp(vertx, server.port(), 2)) {
        assertThat(http.balance(id)).isEqualTo(4_242);
      } finally {
        await(server.close());
      }
    } finally {
      await(vertx.close());
    }
  }
}
