package com.bankops.autoscaler.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the docker runtime runs instances. Immutable; validated on construction with messages that
 * name the field.
 *
 * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock}
 * @param image the bank image (built by {@code scripts/build-images.sh})
 * @param applianceId labels every container; a runtime adopts and removes only containers with its
 *     own id, so two appliances (or two tests) on one engine never touch each other's
 * @param env environment for every container (e.g. {@code JAVA_TOOL_OPTIONS}); the spec's env and
 *     the runtime's own variables win over it
 * @param basePort first port tried on 127.0.0.1 (containers share the host's network)
 * @param portCount ports tried from {@code basePort}
 * @param readyTimeout container start to ready, after which it is removed and its start fails
 * @param pollInterval between {@code /health/ready} probes
 * @param stopGraceOnClose grace of each stop when the runtime closes with {@code stopOnClose}
 * @param stopOnClose whether {@link ContainerRuntime#close} stops the containers; false leaves them
 *     running for the next runtime with the same appliance id to adopt
 * @param adoptTimeout how long a running container found at start may take to answer ready before
 *     it counts as stale and is removed
 * @param watchInterval how often the runtime lists its containers to notice crashed ones
 * @param adoptedStartupTime the start-up time reported for adopted instances, whose real one is
 *     unknown; a conservative guess keeps the forecast horizon from shrinking after a restart
 */
public record DockerRuntimeConfig(
    String dockerHost,
    String image,
    String applianceId,
    Map<String, String> env,
    int basePort,
    int portCount,
    Duration readyTimeout,
    Duration pollInterval,
    Duration stopGraceOnClose,
    boolean stopOnClose,
    Duration adoptTimeout,
    Duration watchInterval,
    Duration adoptedStartupTime) {

  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
  public static final String DEFAULT_IMAGE = "bankops/bank:local";
  public static final String DEFAULT_APPLIANCE_ID = "bankops";
  public static final int DEFAULT_BASE_PORT = 18300;
  public static final int DEFAULT_PORT_COUNT = 200;
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_ADOPT_TIMEOUT = Duration.ofSeconds(3);
  public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_ADOPTED_STARTUP = Duration.ofSeconds(5);

  // a label value and part of a container name: [a-zA-Z0-9][a-zA-Z0-9_.-]*
  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

  public DockerRuntimeConfig {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(applianceId, "applianceId");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(stopGraceOnClose, "stopGraceOnClose");
    Objects.requireNonNull(adoptTimeout, "adoptTimeout");
    Objects.requireNonNull(watchInterval, "watchInterval");
    Objects.requireNonNull(adoptedStartupTime, "adoptedStartupTime");
    env = Map.copyOf(env);
    if (!dockerHost.startsWith("unix://") && !dockerHost.startsWith("tcp://")) {
      throw new IllegalArgumentException(
          "dockerHost: '" + dockerHost + "' (expected: unix:///path or tcp://host:port)");
    }
    if (image.isBlank()) {
      throw new IllegalArgumentException(
          "image: blank (expected: an image such as " + DEFAULT_IMAGE + ")");
    }
    if (!ID.matcher(applianceId).matches()) {
      throw new IllegalArgumentException(
          "applianceId: '"
              + applianceId
              + "' (expected: 1-63 of [a-zA-Z0-9_.-], starting alphanumeric)");
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
    requirePositive("adoptTimeout", adoptTimeout);
    requirePositive("watchInterval", watchInterval);
    if (stopGraceOnClose.isNegative()) {
      throw new IllegalArgumentException(
          "stopGraceOnClose: " + stopGraceOnClose + " (expected: >= 0)");
    }
    if (adoptedStartupTime.isNegative()) {
      throw new IllegalArgumentException(
          "adoptedStartupTime: " + adoptedStartupTime + " (expected: >= 0)");
    }
  }

  /** The defaults with this image and appliance id; containers are stopped on close. */
  public static DockerRuntimeConfig of(String image, String applianceId) {
    return new DockerRuntimeConfig(
        DEFAULT_DOCKER_HOST,
        image,
        applianceId,
        Map.of(),
        DEFAULT_BASE_PORT,
        DEFAULT_PORT_COUNT,
        DEFAULT_READY_TIMEOUT,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_STOP_GRACE,
        true,
        DEFAULT_ADOPT_TIMEOUT,
        DEFAULT_WATCH_INTERVAL,
        DEFAULT_ADOPTED_STARTUP);
  }

  public DockerRuntimeConfig withDockerHost(String value) {
    return new DockerRuntimeConfig(
        value,
        image,
        applianceId,
        env,
        basePort,
        portCount,
        readyTimeout,
        pollInterval,
        stopGraceOnClose,
        stopOnClose,
        adoptTimeout,
        watchInterval,
        adoptedStartupTime);
  }

  public DockerRuntimeConfig withEnv(Map<String, String> value) {
    return new DockerRuntimeConfig(
        dockerHost,
        image,
        applianceId,
        value,
        basePort,
        portCount,
        readyTimeout,
        pollInterval,
        stopGraceOnClose,
        stopOnClose,
        adoptTimeout,
        watchInterval,
        adoptedStartupTime);
  }

  public DockerRuntimeConfig withPorts(int newBasePort, int newPortCount) {
    return new DockerRuntimeConfig(
        dockerHost,
        image,
        applianceId,
        env,
        newBasePort,
        newPortCount,
        readyTimeout,
        pollInterval,
        stopGraceOnClose,
        stopOnClose,
        adoptTimeout,
        watchInterval,
        adoptedStartupTime);
  }

  public DockerRuntimeConfig withReadyTimeout(Duration value) {
    return new DockerRuntimeConfig(
        dockerHost,
        image,
        applianceId,
        env,
        basePort,
        portCount,
        value,
        pollInterval,
        stopGraceOnClose,
        stopOnClose,
        adoptTimeout,
        watchInterval,
        adoptedStartupTime);
  }

  public DockerRuntimeConfig withStopOnClose(boolean value, Duration grace) {
    return new DockerRuntimeConfig(
        dockerHost,
        image,
        applianceId,
        env,
        basePort,
        portCount,
        readyTimeout,
        pollInterval,
        grace,
        value,
        adoptTimeout,
        watchInterval,
        adoptedStartupTime);
  }

  public DockerRuntimeConfig withWatchInterval(Duration value) {
    return new DockerRuntimeConfig(
        dockerHost,
        image,
        applianceId,
        env,
        basePort,
        portCount,
        readyTimeout,
        pollInterval,
        stopGraceOnClose,
        stopOnClose,
        adoptTimeout,
        value,
        adoptedStartupTime);
  }

  private static void requirePositive(String field, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
  }
}
