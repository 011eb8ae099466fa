package com.bankops.autoscaler.runtime.kubernetes;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the kubernetes runtime runs bank instances. Immutable; validated on construction with
 * messages that name the field.
 *
 * @param namespace where the Deployments, Services and pods live (a DNS-1123 label)
 * @param image the bank image, e.g. {@code registry.example/bankops/bank:1.0.0}
 * @param deploymentPrefix Deployment {@code <prefix>-<pool>-<version>} per pool and version; also
 *     how the runtime recognises its own Deployments after a restart
 * @param containerPort the port the bank listens on inside its pod ({@code BANK_PORT})
 * @param readyTimeout scale-up to a new ready endpoint, after which the start fails and the replica
 *     is taken back
 * @param stopTimeout added to the caller's grace: how long a stop waits for the endpoint to go
 * @param terminationGrace the pods' {@code terminationGracePeriodSeconds}: SIGTERM to SIGKILL when
 *     the ReplicaSet removes a pod on its own; a stop with a shorter grace shortens it
 */
public record KubernetesRuntimeConfig(
    String namespace,
    String image,
    String deploymentPrefix,
    int containerPort,
    Duration readyTimeout,
    Duration stopTimeout,
    Duration terminationGrace) {

  public static final String DEFAULT_NAMESPACE = "default";
  public static final String DEFAULT_DEPLOYMENT_PREFIX = "bankops-bank";
  public static final int DEFAULT_CONTAINER_PORT = 8080;
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_TERMINATION_GRACE = Duration.ofSeconds(30);

  /** Longest prefix that leaves room for {@code -<pool>-<version>} and the pod name suffixes. */
  public static final int MAX_PREFIX_LENGTH = 20;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  // Services are named like their Deployment and need a DNS-1035 label: a letter first.
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  public KubernetesRuntimeConfig {
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    Objects.requireNonNull(stopTimeout, "stopTimeout");
    Objects.requireNonNull(terminationGrace, "terminationGrace");
    if (namespace == null || namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace: '"
              + namespace
              + "' (expected: a DNS-1123 label, lower-case letters, digits and '-', 1..63)");
    }
    if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(
          "image: '" + image + "' (expected: an image reference such as bankops/bank:1.0.0)");
    }
    if (deploymentPrefix == null
        || deploymentPrefix.length() > MAX_PREFIX_LENGTH
        || !DNS_1035_LABEL.matcher(deploymentPrefix).matches()) {
      throw new IllegalArgumentException(
          "deploymentPrefix: '"
              + deploymentPrefix
              + "' (expected: lower-case letters, digits and '-', a letter first, 1.."
              + MAX_PREFIX_LENGTH
              + " characters)");
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException(
          "containerPort: " + containerPort + " (expected: 1..65535)");
    }
    requirePositive("readyTimeout", readyTimeout);
    requirePositive("stopTimeout", stopTimeout);
    if (terminationGrace.isNegative()) {
      throw new IllegalArgumentException(
          "terminationGrace: " + terminationGrace + " (expected: >= 0)");
    }
  }

  /** The image in the {@code default} namespace, with the default prefix, port and timings. */
  public static KubernetesRuntimeConfig of(String namespace, String image) {
    return new KubernetesRuntimeConfig(
        namespace,
        image,
        DEFAULT_DEPLOYMENT_PREFIX,
        DEFAULT_CONTAINER_PORT,
        DEFAULT_READY_TIMEOUT,
        DEFAULT_STOP_TIMEOUT,
        DEFAULT_TERMINATION_GRACE);
  }

  public KubernetesRuntimeConfig withDeploymentPrefix(String newPrefix) {
    return new KubernetesRuntimeConfig(
        namespace, image, newPrefix, containerPort, readyTimeout, stopTimeout, terminationGrace);
  }

  public KubernetesRuntimeConfig withReadyTimeout(Duration newReadyTimeout) {
    return new KubernetesRuntimeConfig(
        namespace,
        image,
        deploymentPrefix,
        containerPort,
        newReadyTimeout,
        stopTimeout,
        terminationGrace);
  }

  public KubernetesRuntimeConfig withStopTimeout(Duration newStopTimeout) {
    return new KubernetesRuntimeConfig(
        namespace,
        image,
        deploymentPrefix,
        containerPort,
        readyTimeout,
        newStopTimeout,
        terminationGrace);
  }

  private static void requirePositive(String field, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
  }
}
