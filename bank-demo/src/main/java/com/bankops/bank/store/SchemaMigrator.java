package com.bankops.bank.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies {@code db/migration/V*.sql} with Flyway over JDBC. Blocking: run it on a worker thread.
 * Flyway takes a PostgreSQL advisory lock while migrating, so several instances starting at once
 * against one database apply each migration exactly once.
 */
public final class SchemaMigrator {
  private SchemaMigrator() {}

  /** Migrates and returns the number of migrations this call applied. */
  public static int migrate(DbTarget target) {
    MigrateResult result =
        Flyway.configure(SchemaMigrator.class.getClassLoader())
            .dataSource(target.jdbcUrl(), target.user(), target.password())
            .locations("classpath:db/migration")
            .connectRetries(5)
            .load()
            .migrate();
    return result.migrationsExecuted;
  }
}
