package com.bankops.autoscaler.runtime.kubernetes;

import com.bankops.autoscaler.runtime.InstanceSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The objects the runtime owns, one set per pool and version: a Deployment of bank pods and a
 * headless Service over them (the Service is what the EndpointSlice controller publishes ready
 * addresses for). Pure: builds objects, never calls the API server.
 */
final class BankDeployment {

  static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String MANAGED_BY = "bankops";
  static final String LABEL_NAME = "app.kubernetes.io/name";
  static final String LABEL_DEPLOYMENT = "bankops.io/deployment";
  static final String LABEL_POOL = "bankops.io/pool";
  static final String ANNOTATION_POOL = "bankops.io/pool";
  static final String ANNOTATION_VERSION = "bankops.io/version";
  static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  static final String PORT_NAME = "http";
  static final String CONTAINER_NAME = "bank";
  static final String READY_PATH = "/health/ready";

  private static final int MAX_NAME = 63;

  private BankDeployment() {}

  /**
   * {@code <prefix>-<pool>-<version>} as a DNS-1035 label: lower-cased, other characters become
   * '-', and a name over 63 characters is cut and given a hash of the full one so that versions
   * sharing a long common start stay apart.
   */
  static String name(String prefix, String pool, String version) {
    String raw = prefix + "-" + pool + "-" + version;
    String clean =
        raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
    clean = trimDashes(clean);
    if (clean.length() <= MAX_NAME) {
      return clean;
    }
    CRC32 crc = new CRC32();
    crc.update(raw.getBytes(StandardCharsets.UTF_8));
    String hash = HexFormat.of().toHexDigits((int) crc.getValue());
    return trimDashes(clean.substring(0, MAX_NAME - hash.length() - 1)) + "-" + hash;
  }

  private static String trimDashes(String s) {
    return s.replaceAll("^-+|-+$", "");
  }

  static Map<String, String> selector(String name) {
    return Map.of(LABEL_DEPLOYMENT, name);
  }

  static Map<String, String> labels(String name, String pool) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_NAME, "bank");
    labels.put(LABEL_MANAGED_BY, MANAGED_BY);
    labels.put(LABEL_DEPLOYMENT, name);
    if (pool.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")) {
      labels.put(LABEL_POOL, pool); // for kubectl; the annotation is what the runtime reads
    }
    return labels;
  }

  /**
   * The environment every pod of the Deployment gets: the spec's, then the runtime's {@code BANK_*}
   * values, which win. {@code BANK_INSTANCE_ID} is the pod name (downward API), the same id the
   * runtime reports for the instance.
   */
  static List<EnvVar> env(KubernetesRuntimeConfig config, InstanceSpec spec, String name) {
    Map<String, String> plain = new TreeMap<>(spec.env());
    plain.put("BANK_HOST", "0.0.0.0"); // the pod IP, not loopback
    plain.put("BANK_PORT", Integer.toString(config.containerPort()));
    plain.put("BANK_VERSION", spec.version());
    plain.put("BANK_POOL", spec.pool());
    plain.remove("BANK_INSTANCE_ID");
    List<EnvVar> env = new ArrayList<>();
    plain.forEach((k, v) -> env.add(new EnvVar(k, v, null)));
    env.add(
        new EnvVarBuilder()
            .withName("BANK_INSTANCE_ID")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .build());
    return env;
  }

  /** A Deployment of zero replicas; the runtime scales it. */
  static Deployment deployment(KubernetesRuntimeConfig config, InstanceSpec spec, String name) {
    Map<String, String> labels = labels(name, spec.pool());
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(config.namespace())
        .withLabels(labels)
        .addToAnnotations(ANNOTATION_POOL, spec.pool())
        .addToAnnotations(ANNOTATION_VERSION, spec.version())
        .endMetadata()
        .withNewSpec()
        .withReplicas(0)
        .withNewSelector()
        .withMatchLabels(selector(name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(config.terminationGrace().toSeconds())
        .addNewContainer()
        .withName(CONTAINER_NAME)
        .withImage(config.image())
        .addNewPort()
        .withName(PORT_NAME)
        .withContainerPort(config.containerPort())
        .withProtocol("TCP")
        .endPort()
        .withEnv(env(config, spec, name))
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath(READY_PATH)
        .withPort(new IntOrString(PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(1)
        .withFailureThreshold(3)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A headless Service over the Deployment's pods: no virtual IP, since the appliance balances over
   * the pod addresses itself; it exists so that EndpointSlices are published for the pods.
   */
  static Service service(KubernetesRuntimeConfig config, InstanceSpec spec, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(config.namespace())
        .withLabels(labels(name, spec.pool()))
        .addToAnnotations(ANNOTATION_POOL, spec.pool())
        .addToAnnotations(ANNOTATION_VERSION, spec.version())
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(selector(name))
        .addNewPort()
        .withName(PORT_NAME)
        .withPort(config.containerPort())
        .withTargetPort(new IntOrString(PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }
}
