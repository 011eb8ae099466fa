package com.bankops.bank.store;

import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies {@code db/migration/V*.sql} with Flyway over JDBC. Blocking: run it on a worker thread.
 * Flyway takes a PostgreSQL advisory lock while migrating, so several instances starting at once
 * against one database apply each migration exactly once.
 *
 * <p>Instances check {@link #isCurrent} first and skip Flyway when the newest migration is already
 * recorded: loading Flyway, scanning the classpath and validating took about a second of a new
 * instance's start on a busy 2-core machine. That skips Flyway's checksum validation too, which the
 * instance that migrates still runs.
 */
public final class SchemaMigrator {
  /**
   * The version of the newest file in {@code db/migration}; SchemaMigratorTest fails when a new
   * migration is added without raising it.
   */
  public static final String LATEST_VERSION = "2";

  private SchemaMigrator() {}

  /** True when {@code applied} (the newest successful migration recorded) is the newest we ship. */
  public static boolean isCurrent(Optional<String> applied) {
    return applied.map(LATEST_VERSION::equals).orElse(false);
  }

  /** Migrates and returns the number of migrations this call applied. */
  public static int migrate(DbTarget target) {
    return migrate(target, MigrationVersion.LATEST);
  }

  /** Migrates up to {@code version} only: for tests that need a schema one migration behind. */
  public static int migrateTo(DbTarget target, String version) {
    return migrate(target, MigrationVersion.fromVersion(version));
  }

  private static int migrate(DbTarget target, MigrationVersion version) {
    MigrateResult result =
        Flyway.configure(SchemaMigrator.class.getClassLoader())
            .dataSource(target.jdbcUrl(), target.user(), target.password())
            .locations("classpath:db/migration")
            .connectRetries(5)
            .target(version)
            .load()
            .migrate();
    return result.migrationsExecuted;
  }
}
