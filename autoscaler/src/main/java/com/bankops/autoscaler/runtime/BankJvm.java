package com.bankops.autoscaler.runtime;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How the process runtime launches a bank JVM so that a scale-out instance serves soon: flags for a
 * small, short-lived-looking JVM, and an AppCDS archive of the bank's classes next to its jar.
 *
 * <p>Measured on the 2-core build machine (docs/benchmarks.md, "Surge reaction"): C1 only and the
 * serial GC roughly halve launch → ready, the archive takes off a few hundred ms more. C1-only code
 * is slower at peak, but the bank waits on PostgreSQL, not on its own code.
 */
public final class BankJvm {
  private static final System.Logger LOG = System.getLogger(BankJvm.class.getName());

  /** JVM flags for every bank instance the process runtime launches. */
  public static final List<String> SMALL_INSTANCE_FLAGS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

  private BankJvm() {}

  /** Where the archive of {@code jar} lives: {@code <jar>.jsa} beside it. */
  public static Path archiveOf(Path jar) {
    return jar.toAbsolutePath().resolveSibling(jar.getFileName() + ".jsa");
  }

  /**
   * True when the archive exists and is not older than the jar; the JVM would ignore (and warn
   * about) an archive of an earlier build of the jar.
   */
  public static boolean archiveCurrent(Path jar) {
    Path archive = archiveOf(jar);
    try {
      return Files.isRegularFile(archive)
          && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@code java <flags> [-XX:SharedArchiveFile=<jar>.jsa] -jar <jar>}, the archive when current.
   */
  public static List<String> command(Path javaBinary, Path jar) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary.toString());
    command.addAll(SMALL_INSTANCE_FLAGS);
    if (archiveCurrent(jar)) {
      command.add("-XX:SharedArchiveFile=" + archiveOf(jar));
    }
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    return List.copyOf(command);
  }

  /**
   * Writes {@code <jar>.jsa} unless current: runs the bank once with {@code --cds-training} (its
   * start-up path without a database, then exit) under {@code -XX:ArchiveClassesAtExit}. Written to
   * a temporary file and moved into place, so concurrent callers and launches never see half an
   * archive. Returns the archive, or empty when training failed (instances then start without it).
   */
  public static Optional<Path> ensureArchive(Path javaBinary, Path jar, Duration timeout) {
    Path archive = archiveOf(jar);
    if (archiveCurrent(jar)) {
      return Optional.of(archive);
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile(archive.getParent(), archive.getFileName().toString(), ".tmp");
      Files.delete(tmp); // the JVM creates it
      List<String> command = new ArrayList<>();
      command.add(javaBinary.toString());
      command.addAll(SMALL_INSTANCE_FLAGS);
      command.addAll(
          List.of(
              "-XX:ArchiveClassesAtExit=" + tmp,
              "-Xlog:cds=off",
              "-Xlog:cds+dynamic=off",
              "-jar",
              jar.toAbsolutePath().toString(),
              "--cds-training"));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        LOG.log(Level.WARNING, "bank CDS training timed out after " + timeout + "; no archive");
        return Optional.empty();
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
        LOG.log(Level.WARNING, "bank CDS training exited " + p.exitValue() + "; no archive");
        return Optional.empty();
      }
      Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(archive);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "bank CDS training failed: " + e.getMessage() + "; no archive");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a stray temporary file in target/ is harmless
        }
      }
    }
  }
}
