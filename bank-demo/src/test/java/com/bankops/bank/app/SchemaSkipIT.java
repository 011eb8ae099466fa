package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.bank.store.SchemaMigrator;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Instances skip Flyway only when the newest migration is recorded: one behind, the next start
 * applies it; current, the next start does not load Flyway and still serves.
 */
class SchemaSkipIT {

  @Test
  @Timeout(120)
  void aSchemaBehindIsMigratedAndACurrentOneIsNot() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedDatabase db = EmbeddedDatabase.startTemporary()) {
      assertThat(SchemaMigrator.migrateTo(db.target(), "1")).isEqualTo(1);
      BankConfig config = BankConfig.forDatabase(db.url());

      BankServer behind = await(BankServer.start(vertx, config));
      assertThat(behind.flywaySkipped()).isFalse();
      assertThat(
              Sql.queryStrings(
                  db.target(),
                  "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank"))
          .containsExactly("1", "2");

      BankServer current = await(BankServer.start(vertx, config));
      assertThat(current.flywaySkipped()).isTrue();
      try (TestHttp http = new TestHttp(vertx, current.port(), 2)) {
        // the instance that skipped Flyway serves writes and reads
        String id = http.openAccount("skipped", 1_000);
        assertThat(http.balance(id)).isEqualTo(1_000);
      }
      await(current.close());
      await(behind.close());
      assertThat(
              Sql.queryLong(
                  db.target(), "SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(2);
    } finally {
      await(vertx.close());
    }
  }
}
