package com.bankops.autoscaler.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KubernetesRuntimeConfigTest {

  private static final KubernetesRuntimeConfig GOOD =
      KubernetesRuntimeConfig.of("bank", "bankops/bank:1.0.0");

  private static KubernetesRuntimeConfig with(
      String namespace,
      String image,
      String prefix,
      int port,
      Duration ready,
      Duration stop,
      Duration grace) {
    return new KubernetesRuntimeConfig(namespace, image, prefix, port, ready, stop, grace);
  }

  static Stream<Arguments> invalid() {
    Duration s = Duration.ofSeconds(1);
    String img = "bankops/bank:1";
    return Stream.of(
        Arguments.of("namespace", (Runnable) () -> with("Bank", img, "bk", 8080, s, s, s)),
        Arguments.of("namespace", (Runnable) () -> with("", img, "bk", 8080, s, s, s)),
        Arguments.of("namespace", (Runnable) () -> with("a".repeat(64), img, "bk", 8080, s, s, s)),
        Arguments.of("namespace", (Runnable) () -> with(null, img, "bk", 8080, s, s, s)),
        Arguments.of("image", (Runnable) () -> with("bank", " ", "bk", 8080, s, s, s)),
        Arguments.of("image", (Runnable) () -> with("bank", "a b", "bk", 8080, s, s, s)),
        Arguments.of("deploymentPrefix", (Runnable) () -> with("bank", img, "1bk", 8080, s, s, s)),
        Arguments.of("deploymentPrefix", (Runnable) () -> with("bank", img, "bk-", 8080, s, s, s)),
        Arguments.of(
            "deploymentPrefix", (Runnable) () -> with("bank", img, "b".repeat(21), 8080, s, s, s)),
        Arguments.of("containerPort", (Runnable) () -> with("bank", img, "bk", 0, s, s, s)),
        Arguments.of("containerPort", (Runnable) () -> with("bank", img, "bk", 65536, s, s, s)),
        Arguments.of(
            "readyTimeout", (Runnable) () -> with("bank", img, "bk", 8080, Duration.ZERO, s, s)),
        Arguments.of(
            "stopTimeout",
            (Runnable) () -> with("bank", img, "bk", 8080, s, Duration.ofMillis(-1), s)),
        Arguments.of(
            "terminationGrace",
            (Runnable) () -> with("bank", img, "bk", 8080, s, s, Duration.ofSeconds(-1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectsNamingTheField(String field, Runnable construct) {
    assertThatThrownBy(construct::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ": ")
        .hasMessageContaining("expected");
  }

  @Test
  void defaultsAreValidAndWithersKeepTheRest() {
    UnaryOperator<KubernetesRuntimeConfig> change =
        c -> c.withDeploymentPrefix("bank").withReadyTimeout(Duration.ofSeconds(5));
    KubernetesRuntimeConfig changed = change.apply(GOOD);

    assertThat(GOOD.deploymentPrefix()).isEqualTo("bankops-bank");
    assertThat(GOOD.containerPort()).isEqualTo(8080);
    assertThat(changed.deploymentPrefix()).isEqualTo("bank");
    assertThat(changed.readyTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(changed.namespace()).isEqualTo("bank");
    assertThat(changed.image()).isEqualTo("bankops/bank:1.0.0");
    assertThat(changed.stopTimeout()).isEqualTo(GOOD.stopTimeout());
  }
}
