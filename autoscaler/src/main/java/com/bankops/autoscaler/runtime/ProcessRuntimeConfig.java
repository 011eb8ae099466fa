package com.bankops.autoscaler.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the process runtime launches instances. Immutable; validated on construction with messages
 * that name the field.
 *
 * @param command the argv that launches one instance, e.g. {@code [java, -jar, bank.jar]}; the
 *     instance learns its port and identity from the environment
 * @param logDirectory one {@code <id>.log} (stdout and stderr) and one {@code <id>.pid} per
 *     instance
 * @param basePort first port tried on 127.0.0.1
 * @param portCount ports tried from {@code basePort}
 * @param readyTimeout launch to ready, after which the instance is killed and its start fails
 * @param pollInterval between {@code /health/ready} probes
 * @param closeGrace SIGTERM to SIGKILL when the runtime closes or the JVM shuts down
 */
public record ProcessRuntimeConfig(
    List<String> command,
    Path logDirectory,
    int basePort,
    int portCount,
    Duration readyTimeout,
    Duration pollInterval,
    Duration closeGrace) {

  public static final int DEFAULT_BASE_PORT = 18100;
  public static final int DEFAULT_PORT_COUNT = 200;
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);

  public ProcessRuntimeConfig {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(logDirectory, "logDirectory");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(closeGrace, "closeGrace");
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command: [] (expected: at least the program to run)");
    }
    if (basePort < 1024 || basePort > 65535) {
      throw new IllegalArgumentException("basePort: " + basePort + " (expected: 1024..65535)");
    }
    if (portCount < 1 || basePort + portCount - 1 > 65535) {
      throw new IllegalArgumentException(
          "portCount: " + portCount + " (expected: 1.." + (65536 - basePort) + ")");
    }
    requirePositive("readyTimeout", readyTimeout);
    requirePositive("pollInterval", pollInterval);
    if (closeGrace.isNegative()) {
      throw new IllegalArgumentException("closeGrace: " + closeGrace + " (expected: >= 0)");
    }
  }

  /** {@code javaBinary -jar bankJar}, with the default ports and timings. */
  public static ProcessRuntimeConfig forJar(Path javaBinary, Path bankJar, Path logDirectory) {
    return forCommand(
        List.of(javaBinary.toString(), "-jar", bankJar.toAbsolutePath().toString()), logDirectory);
  }

  /** Any launcher command, with the default ports and timings. */
  public static ProcessRuntimeConfig forCommand(List<String> command, Path logDirectory) {
    return new ProcessRuntimeConfig(
        command,
        logDirectory,
        DEFAULT_BASE_PORT,
        DEFAULT_PORT_COUNT,
        DEFAULT_READY_TIMEOUT,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_CLOSE_GRACE);
  }

  /** The {@code java} of the running JVM. */
  public static Path currentJavaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  public ProcessRuntimeConfig withPorts(int newBasePort, int newPortCount) {
    return new ProcessRuntimeConfig(
        command, logDirectory, newBasePort, newPortCount, readyTimeout, pollInterval, closeGrace);
  }

  public ProcessRuntimeConfig withReadyTimeout(Duration newReadyTimeout) {
    return new ProcessRuntimeConfig(
        command, logDirectory, basePort, portCount, newReadyTimeout, pollInterval, closeGrace);
  }

  public ProcessRuntimeConfig withPollInterval(Duration newPollInterval) {
    return new ProcessRuntimeConfig(
        command, logDirectory, basePort, portCount, readyTimeout, newPollInterval, closeGrace);
  }

  public ProcessRuntimeConfig withCloseGrace(Duration newCloseGrace) {
    return new ProcessRuntimeConfig(
        command, logDirectory, basePort, portCount, readyTimeout, pollInterval, newCloseGrace);
  }

  private static void requirePositive(String field, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
  }
}
