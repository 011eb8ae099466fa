package com.bankops.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bankops.autoscaler.runtime.kubernetes.KubernetesRuntimeConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesSettingsTest {

  @Test
  void environmentSelectsAndConfiguresTheKubernetesRuntime() {
    ApplianceConfig c =
        ApplianceConfig.fromYaml(
            "",
            Map.of(
                "BANKOPS_RUNTIME", "kubernetes",
                "BANKOPS_K8S_NAMESPACE", "bank",
                "BANKOPS_K8S_IMAGE", "registry.example/bankops/bank:1.0.0",
                "BANKOPS_K8S_DEPLOYMENT_PREFIX", "bk"));

    assertThat(c.runtime().kind()).isEqualTo(RuntimeKind.KUBERNETES);
    KubernetesRuntimeConfig rc = c.runtime().kubernetes().toRuntimeConfig();
    assertThat(rc.namespace()).isEqualTo("bank");
    assertThat(rc.image()).isEqualTo("registry.example/bankops/bank:1.0.0");
    assertThat(rc.deploymentPrefix()).isEqualTo("bk");
    assertThat(rc.containerPort()).isEqualTo(8080);
    assertThat(rc.readyTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(rc.terminationGrace()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theImageIsRequiredOnlyWhenKubernetesIsSelected() {
    assertThat(ApplianceConfig.defaults().runtime().kubernetes().image()).isEmpty();

    assertThatThrownBy(() -> ApplianceConfig.fromYaml("", Map.of("BANKOPS_RUNTIME", "kubernetes")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("runtime.kubernetes.image: ")
                    .contains("required when runtime.kind is kubernetes"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "namespace        | Bank",
        "namespace        | -bank",
        "deploymentPrefix | 9bank",
        "deploymentPrefix | bankops-bank-deployments",
        "containerPort    | 0",
        "readyTimeoutMs   | 0",
        "stopTimeoutMs    | -5",
        "terminationGraceMs | -1",
      })
  void badValuesAreNamed(String key, String value) {
    String yaml =
        "runtime:\n  kind: kubernetes\n  kubernetes:\n    image: bank:1\n    "
            + key
            + ": \""
            + value
            + "\"\n";

    assertThatThrownBy(() -> ApplianceConfig.fromYaml(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith("runtime.kubernetes." + key + ": "));
  }
}
