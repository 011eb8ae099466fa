package com.bankops.autoscaler.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpaGuardTest {

  private static HorizontalPodAutoscaler hpa(String name, String kind, String target) {
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withMaxReplicas(3)
        .withNewScaleTargetRef()
        .withKind(kind)
        .withName(target)
        .endScaleTargetRef()
        .endSpec()
        .build();
  }

  @Test
  void findsOnlyHpasOnOurDeployments() {
    List<HorizontalPodAutoscaler> hpas =
        List.of(
            hpa("a", "Deployment", "bk-stable-1"),
            hpa("b", "StatefulSet", "bk-stable-1"),
            hpa("c", "Deployment", "checkout"),
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("d")
                .endMetadata()
                .build());

    assertThat(HpaGuard.conflicts(hpas, n -> n.startsWith("bk-")))
        .containsExactly("HorizontalPodAutoscaler a targets Deployment bk-stable-1");
    assertThat(HpaGuard.conflicts(hpas, "checkout"::equals))
        .containsExactly("HorizontalPodAutoscaler c targets Deployment checkout");
  }
}
