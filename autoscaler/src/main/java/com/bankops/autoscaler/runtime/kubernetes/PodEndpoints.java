package com.bankops.autoscaler.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the EndpointSlices of the runtime's Services say about each pod. Pure.
 *
 * <p>A pod appears while it exists (a terminating pod stays, not ready, until it is gone); it is
 * ready when its endpoint's {@code ready} condition is true or unset (the API's "unknown, treat as
 * ready"). Only pod-backed endpoints with an address and a port count.
 */
final class PodEndpoints {

  /** One pod's endpoint. */
  record PodEndpoint(String pod, String deployment, String host, int port, boolean ready) {}

  private PodEndpoints() {}

  /** Pod name → endpoint, over the slices whose Service is one of {@code deployments}. */
  static Map<String, PodEndpoint> of(Collection<EndpointSlice> slices, Set<String> deployments) {
    Map<String, PodEndpoint> pods = new LinkedHashMap<>();
    for (EndpointSlice slice : slices) {
      Map<String, String> labels = slice.getMetadata().getLabels();
      String service = labels == null ? null : labels.get(BankDeployment.SERVICE_NAME_LABEL);
      if (service == null || !deployments.contains(service) || slice.getEndpoints() == null) {
        continue;
      }
      int port = port(slice);
      if (port <= 0) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        ObjectReference target = endpoint.getTargetRef();
        if (target == null
            || !"Pod".equals(target.getKind())
            || target.getName() == null
            || endpoint.getAddresses() == null
            || endpoint.getAddresses().isEmpty()) {
          continue;
        }
        boolean ready = isReady(endpoint.getConditions());
        PodEndpoint found =
            new PodEndpoint(target.getName(), service, endpoint.getAddresses().get(0), port, ready);
        // A pod in two slices (while the controller moves it) counts as ready if either says so.
        pods.merge(target.getName(), found, (a, b) -> a.ready() ? a : b);
      }
    }
    return pods;
  }

  private static boolean isReady(EndpointConditions conditions) {
    return conditions == null
        || conditions.getReady() == null
        || Boolean.TRUE.equals(conditions.getReady());
  }

  /** The port named {@code http}, else the only port; 0 when there is none to choose. */
  private static int port(EndpointSlice slice) {
    if (slice.getPorts() == null || slice.getPorts().isEmpty()) {
      return 0;
    }
    for (EndpointPort p : slice.getPorts()) {
      if (BankDeployment.PORT_NAME.equals(p.getName()) && p.getPort() != null) {
        return p.getPort();
      }
    }
    EndpointPort only = slice.getPorts().get(0);
    return slice.getPorts().size() == 1 && only.getPort() != null ? only.getPort() : 0;
  }
}
