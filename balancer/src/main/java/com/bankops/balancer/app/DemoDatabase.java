package com.bankops.balancer.app;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's embedded default database: a real PostgreSQL from Maven (zonky), data kept under the
 * demo directory so that a restart keeps the accounts.
 */
final class DemoDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private DemoDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static DemoDatabase start(Path dataDirectory) throws IOException {
    Files.createDirectories(dataDirectory);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setServerConfig("max_connections", "200")
            .start();
    return new DemoDatabase(pg);
  }

  /** In the form the bank service takes as BANK_DB_URL. */
  String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
