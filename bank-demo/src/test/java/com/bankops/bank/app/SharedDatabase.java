package com.bankops.bank.app;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One temporary PostgreSQL for all integration tests of a JVM (starting one takes seconds). Tests
 * stay independent by working only on accounts they created. Stopped when the JVM exits.
 */
final class SharedDatabase {
  private static EmbeddedDatabase database;

  private SharedDatabase() {}

  static synchronized EmbeddedDatabase get() {
    if (database == null) {
      try {
        database = EmbeddedDatabase.startTemporary();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedDatabase started = database;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-db-stop"));
    }
    return database;
  }
}
