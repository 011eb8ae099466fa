package com.bankops.autoscaler.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the controllers that the mock API server lacks: the ReplicaSet controller (pods follow
 * {@code spec.replicas}; on scale-down the pod with the lowest deletion cost goes, ties to the
 * newest, as Kubernetes ranks ready pods) and the EndpointSlice controller (one slice per Service
 * listing its pods, ready when {@link #readyPods} says so). Reacts to watch events, one reconcile
 * at a time.
 */
final class PlayedController implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final AtomicInteger sequence = new AtomicInteger();
  private final List<Watch> watches = new ArrayList<>();
  volatile boolean readyPods = true;

  /**
   * Pod name → the deletion cost it carried in any watch event. The runtime deletes the chosen pod
   * right after scaling down, usually before this controller reacts, so what the ReplicaSet would
   * have picked shows only here.
   */
  final Map<String, Long> deletionCostsSeen = new ConcurrentHashMap<>();

  PlayedController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    watches.add(client.apps().deployments().inNamespace(namespace).watch(trigger()));
    watches.add(
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    Map<String, String> a = pod.getMetadata().getAnnotations();
                    if (a != null && a.containsKey(BankDeployment.DELETION_COST)) {
                      deletionCostsSeen.put(pod.getMetadata().getName(), deletionCost(pod));
                    }
                    worker.execute(PlayedController.this::reconcile);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                }));
  }

  private <T> Watcher<T> trigger() {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        worker.execute(PlayedController.this::reconcile);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  /** Reconciles now and waits for it (after a test changed something the watches cannot see). */
  void reconcileNow() throws Exception {
    worker.submit((Runnable) this::reconcile).get(10, TimeUnit.SECONDS);
  }

  private void reconcile() {
    try {
      for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
        reconcile(d);
      }
    } catch (RuntimeException e) {
      // the server is going away at the end of a test
    }
  }

  private void reconcile(Deployment d) {
    String name = d.getMetadata().getName();
    Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    List<Pod> pods =
        new ArrayList<>(
            client.pods().inNamespace(namespace).withLabels(selector).list().getItems());
    while (pods.size() < desired) {
      int seq = sequence.incrementAndGet();
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(name + "-pod" + seq)
              .withNamespace(namespace)
              .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
              .addToAnnotations("test/seq", Integer.toString(seq))
              .endMetadata()
              .withSpec(d.getSpec().getTemplate().getSpec())
              .withNewStatus()
              .withPodIP("10.1.0." + seq)
              .endStatus()
              .build();
      pods.add(client.pods().inNamespace(namespace).resource(pod).create());
    }
    if (pods.size() > desired) {
      // Kubernetes' ranking among ready pods: lower deletion cost first, then the newest.
      pods.sort(
          Comparator.comparingLong(PlayedController::deletionCost)
              .thenComparing(Comparator.comparingInt(PlayedController::seq).reversed()));
      while (pods.size() > desired) {
        Pod victim = pods.remove(0);
        client.pods().inNamespace(namespace).resource(victim).delete();
      }
    }
    publishSlice(name, pods);
  }

  private void publishSlice(String service, List<Pod> pods) {
    int port =
        client.services().inNamespace(namespace).withName(service).get() == null
            ? 8080
            : client
                .services()
                .inNamespace(namespace)
                .withName(service)
                .get()
                .getSpec()
                .getPorts()
                .get(0)
                .getPort();
    List<Endpoint> endpoints = new ArrayList<>();
    for (Pod pod : pods) {
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(pod.getStatus().getPodIP())
              .withNewConditions()
              .withReady(readyPods)
              .endConditions()
              .withNewTargetRef()
              .withKind("Pod")
              .withName(pod.getMetadata().getName())
              .withNamespace(namespace)
              .endTargetRef()
              .build());
    }
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(namespace)
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(service + "-abcde")
                .withNamespace(namespace)
                .addToLabels(BankDeployment.SERVICE_NAME_LABEL, service)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withPort(port)
                .withProtocol("TCP")
                .endPort()
                .withEndpoints(endpoints)
                .build())
        .createOr(existing -> existing.update());
  }

  private static long deletionCost(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    String cost = a == null ? null : a.get(BankDeployment.DELETION_COST);
    return cost == null ? 0 : Long.parseLong(cost);
  }

  private static int seq(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getAnnotations().get("test/seq"));
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
    worker.shutdownNow();
  }
}
