package com.bankops.balancer.config;

import com.bankops.autoscaler.runtime.kubernetes.KubernetesRuntimeConfig;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The kubernetes runtime's settings (key {@code runtime.kubernetes}; env {@code
 * BANKOPS_K8S_NAMESPACE}, {@code BANKOPS_K8S_IMAGE}, {@code BANKOPS_K8S_DEPLOYMENT_PREFIX}). The
 * image has no default: it must name an image the cluster can pull, so it is required when {@code
 * runtime.kind} is {@code kubernetes}.
 */
public record KubernetesSettings(
    String namespace,
    String image,
    String deploymentPrefix,
    int containerPort,
    int readyTimeoutMs,
    int stopTimeoutMs,
    int terminationGraceMs) {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern PREFIX = Pattern.compile("[a-z]([-a-z0-9]{0,18}[a-z0-9])?");
  private static final int MAX_MS = 3_600_000;

  static KubernetesSettings read(ConfigNode n, boolean selected) {
    return new KubernetesSettings(
        n.string(
            "namespace",
            s -> NAMESPACE.matcher(s).matches(),
            "a DNS-1123 label: lower-case letters, digits and '-', 1..63"),
        n.string(
            "image",
            s -> selected ? !s.isBlank() && s.chars().noneMatch(Character::isWhitespace) : true,
            "the bank image the cluster can pull, e.g. registry.example/bankops/bank:1.0.0;"
                + " required when runtime.kind is kubernetes"),
        n.string(
            "deploymentPrefix",
            s -> PREFIX.matcher(s).matches(),
            "lower-case letters, digits and '-', a letter first, 1.."
                + KubernetesRuntimeConfig.MAX_PREFIX_LENGTH),
        n.intIn("containerPort", 1, HttpConfig.MAX_PORT),
        n.intIn("readyTimeoutMs", 1, MAX_MS),
        n.intIn("stopTimeoutMs", 1, MAX_MS),
        n.intIn("terminationGraceMs", 0, MAX_MS));
  }

  /** The runtime's own config; call only when {@code runtime.kind} is {@code kubernetes}. */
  public KubernetesRuntimeConfig toRuntimeConfig() {
    return new KubernetesRuntimeConfig(
        namespace,
        image,
        deploymentPrefix,
        containerPort,
        Duration.ofMillis(readyTimeoutMs),
        Duration.ofMillis(stopTimeoutMs),
        Duration.ofMillis(terminationGraceMs));
  }
}
