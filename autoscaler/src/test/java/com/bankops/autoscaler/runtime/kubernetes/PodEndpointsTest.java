package com.bankops.autoscaler.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.autoscaler.runtime.kubernetes.PodEndpoints.PodEndpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodEndpointsTest {

  private static Endpoint endpoint(String kind, String pod, String ip, Boolean ready) {
    EndpointBuilder b =
        new EndpointBuilder()
            .withNewTargetRef()
            .withKind(kind)
            .withName(pod)
            .endTargetRef()
            .withNewConditions()
            .withReady(ready)
            .endConditions();
    return (ip == null ? b : b.withAddresses(ip)).build();
  }

  private static EndpointSlice slice(
      String service, Map<String, Integer> ports, Endpoint... endpoints) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(service + "-x")
            .addToLabels(BankDeployment.SERVICE_NAME_LABEL, service)
            .endMetadata()
            .withAddressType("IPv4")
            .withEndpoints(endpoints);
    ports.forEach((name, port) -> b.addNewPort().withName(name).withPort(port).endPort());
    return b.build();
  }

  @Test
  void readsPodsOfOurServicesWithTheirReadiness() {
    List<EndpointSlice> slices =
        List.of(
            slice(
                "ours",
                Map.of("http", 8080, "metrics", 9100),
                endpoint("Pod", "p1", "10.0.0.1", true),
                endpoint("Pod", "p2", "10.0.0.2", false),
                endpoint("Pod", "p3", "10.0.0.3", null), // unknown: the API says treat as ready
                endpoint("Node", "n1", "10.0.0.4", true),
                endpoint("Pod", "p5", null, true)),
            slice("theirs", Map.of("http", 8080), endpoint("Pod", "q1", "10.0.1.1", true)));

    Map<String, PodEndpoint> pods = PodEndpoints.of(slices, Set.of("ours"));

    assertThat(pods)
        .containsOnly(
            Map.entry("p1", new PodEndpoint("p1", "ours", "10.0.0.1", 8080, true)),
            Map.entry("p2", new PodEndpoint("p2", "ours", "10.0.0.2", 8080, false)),
            Map.entry("p3", new PodEndpoint("p3", "ours", "10.0.0.3", 8080, true)));
  }

  @Test
  void aPodInTwoSlicesIsReadyIfEitherSaysSoAndPortlessSlicesAreSkipped() {
    List<EndpointSlice> slices =
        List.of(
            slice("ours", Map.of("http", 8080), endpoint("Pod", "p1", "10.0.0.1", false)),
            slice("ours", Map.of("web", 8081), endpoint("Pod", "p1", "10.0.0.1", true)),
            slice("ours", Map.of("a", 1, "b", 2), endpoint("Pod", "p9", "10.0.0.9", true)));

    Map<String, PodEndpoint> pods = PodEndpoints.of(slices, Set.of("ours"));

    assertThat(pods).containsOnlyKeys("p1");
    assertThat(pods.get("p1").ready()).isTrue();
    assertThat(pods.get("p1").port()).isEqualTo(8081);
  }
}
