package com.bankops.autoscaler.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds HorizontalPodAutoscalers that would fight the runtime: each one rewrites {@code
 * spec.replicas} of its target on its own sync, undoing the autoscaler's decisions (and the
 * autoscaler undoing the HPA's). Pure.
 */
final class HpaGuard {

  private HpaGuard() {}

  /** {@code "hpa <name> targets Deployment <target>"} for each HPA aimed at a matching name. */
  static List<String> conflicts(
      Collection<HorizontalPodAutoscaler> hpas, Predicate<String> isOurDeployment) {
    List<String> found = new ArrayList<>();
    for (HorizontalPodAutoscaler hpa : hpas) {
      CrossVersionObjectReference target =
          hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
      if (target != null
          && "Deployment".equals(target.getKind())
          && target.getName() != null
          && isOurDeployment.test(target.getName())) {
        found.add(
            "HorizontalPodAutoscaler "
                + hpa.getMetadata().getName()
                + " targets Deployment "
                + target.getName());
      }
    }
    return found;
  }

  static String refusal(String namespace, List<String> conflicts) {
    return "kubernetes runtime refuses to scale Deployments that an HPA also scales (the two would"
        + " undo each other's replica counts) in namespace "
        + namespace
        + ": "
        + String.join("; ", conflicts)
        + ". Delete the HPA or use another deploymentPrefix.";
  }
}
