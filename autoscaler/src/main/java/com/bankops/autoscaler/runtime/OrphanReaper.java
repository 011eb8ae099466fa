package com.bankops.autoscaler.runtime;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Pid files that let the next runtime kill the children of an appliance that died without running
 * its shutdown hook (SIGKILL, OOM killer).
 *
 * <p>{@code <id>.pid} holds one line: {@code childPid childStartMillis parentPid
 * parentStartMillis}. A recorded child is an orphan when it is still the same process (pid and
 * start time match) and its recorded parent is gone (no process with that pid and start time).
 * Children of a live runtime, in this JVM or another, are left alone.
 */
final class OrphanReaper {
  private static final System.Logger LOG = System.getLogger(OrphanReaper.class.getName());
  private static final String SUFFIX = ".pid";

  private OrphanReaper() {}

  static void record(Path directory, String id, ProcessHandle child) {
    ProcessHandle parent = ProcessHandle.current();
    String line =
        child.pid() + " " + startMillis(child) + " " + parent.pid() + " " + startMillis(parent);
    try {
      Files.writeString(directory.resolve(id + SUFFIX), line + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "process runtime: cannot write pid file for " + id, e);
    }
  }

  static void forget(Path directory, String id) {
    try {
      Files.deleteIfExists(directory.resolve(id + SUFFIX));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "process runtime: cannot delete pid file for " + id, e);
    }
  }

  /** Kills recorded children whose parent is gone and deletes their pid files. */
  static int reap(Path directory) {
    int killed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path file : files) {
        killed += reapOne(file) ? 1 : 0;
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "process runtime: cannot scan " + directory + " for orphans", e);
    }
    return killed;
  }

  private static boolean reapOne(Path file) throws IOException {
    String[] fields = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
    long childPid;
    long childStart;
    long parentPid;
    long parentStart;
    try {
      childPid = Long.parseLong(fields[0]);
      childStart = Long.parseLong(fields[1]);
      parentPid = Long.parseLong(fields[2]);
      parentStart = Long.parseLong(fields[3]);
    } catch (RuntimeException malformed) {
      Files.deleteIfExists(file);
      return false;
    }
    if (parentStart <= 0 || sameProcessAlive(parentPid, parentStart).isPresent()) {
      return false; // its runtime still lives, or we cannot tell
    }
    Optional<ProcessHandle> orphan = sameProcessAlive(childPid, childStart);
    orphan.ifPresent(
        handle -> {
          LOG.log(
              Level.WARNING,
              "process runtime: killing orphan pid {0} left by dead parent pid {1} ({2})",
              String.valueOf(childPid),
              String.valueOf(parentPid),
              file.getFileName());
          ProcessRuntime.killForcibly(handle);
        });
    Files.deleteIfExists(file);
    return orphan.isPresent();
  }

  private static Optional<ProcessHandle> sameProcessAlive(long pid, long startMillis) {
    if (startMillis <= 0) {
      return Optional.empty(); // unknown start time: never kill on a pid alone
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> Math.abs(startMillis(h) - startMillis) < 1000);
  }

  private static long startMillis(ProcessHandle handle) {
    return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }
}
