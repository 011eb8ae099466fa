package com.bankops.autoscaler.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.runtime.InstanceStartException;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kubernetes runtime against fabric8's mock API server in CRUD mode: a real HTTP API server
 * that stores objects and serves watches, but runs no controllers, so {@link PlayedController}
 * plays the ReplicaSet and EndpointSlice controllers. No cluster can run on this machine; this is
 * the closest it allows.
 */
@Timeout(180) // the first test loads fabric8 and Vert.x: 47 s seen at load average 22 on 2 cores
class KubernetesRuntimeIT {

  private static final String NS = "bank";
  private static final String DEPLOYMENT = "bankops-bank-stable-1-0-0";
  private static final InstanceSpec SPEC =
      InstanceSpec.of("stable", "1.0.0").withEnv(Map.of("BANK_DB_URL", "postgresql://db/bank"));

  private KubernetesMockServer server;
  private KubernetesClient client;
  private PlayedController controller;
  private KubernetesRuntime runtime;

  @BeforeEach
  void startServer() throws Exception {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    client = server.createClient();
    controller = new PlayedController(client, NS);
  }

  @AfterEach
  void stopServer() {
    if (runtime != null) {
      runtime.close();
    }
    controller.close();
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // "Unable to close MockWebServer": fabric8's mock server gives its own Vert.x a fixed time to
      // close, which ran out once in CI on the loaded machine after the test had passed. The
      // outcome is decided by then and the port was ephemeral; a teardown timeout is not the
      // runtime's failure.
      System.err.println("KubernetesRuntimeIT: mock server teardown: " + e);
    }
  }

  private KubernetesRuntimeConfig config() {
    return KubernetesRuntimeConfig.of(NS, "bankops/bank:1.0.0")
        .withReadyTimeout(Duration.ofSeconds(90))
        .withStopTimeout(Duration.ofSeconds(60));
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(120, TimeUnit.SECONDS);
  }

  private int replicas() {
    return client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(DEPLOYMENT)
        .get()
        .getSpec()
        .getReplicas();
  }

  @Test
  void startCreatesTheDeploymentAndCompletesWithTheNewReadyEndpoint() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);

    Instance instance = get(runtime.start(SPEC));

    Pod pod = client.pods().inNamespace(NS).withName(instance.id()).get();
    assertThat(pod).as("instance id is the pod name").isNotNull();
    assertThat(instance.host()).isEqualTo(pod.getStatus().getPodIP());
    assertThat(instance.port()).isEqualTo(8080);
    assertThat(instance.pool()).isEqualTo("stable");
    assertThat(instance.version()).isEqualTo("1.0.0");
    assertThat(runtime.list()).containsExactly(instance);
    assertThat(replicas()).isEqualTo(1);

    Deployment d = client.apps().deployments().inNamespace(NS).withName(DEPLOYMENT).get();
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("bankops/bank:1.0.0");
    Map<String, EnvVar> env =
        container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("BANK_DB_URL").getValue()).isEqualTo("postgresql://db/bank");
    assertThat(env.get("BANK_PORT").getValue()).isEqualTo("8080");
    assertThat(env.get("BANK_POOL").getValue()).isEqualTo("stable");
    assertThat(env.get("BANK_VERSION").getValue()).isEqualTo("1.0.0");
    assertThat(env.get("BANK_HOST").getValue()).isEqualTo("0.0.0.0");
    assertThat(env.get("BANK_INSTANCE_ID").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(d.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "bankops")
        .containsEntry("bankops.io/pool", "stable");
    Service svc = client.services().inNamespace(NS).withName(DEPLOYMENT).get();
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(svc.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void concurrentStartsEachGetTheirOwnPod() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);

    List<CompletableFuture<Instance>> starts =
        List.of(runtime.start(SPEC), runtime.start(SPEC), runtime.start(SPEC));
    List<String> ids = starts.stream().map(f -> f.join().id()).toList();

    assertThat(ids).doesNotHaveDuplicates().hasSize(3);
    assertThat(runtime.list()).extracting(Instance::id).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(replicas()).isEqualTo(3);
  }

  @Test
  void startFailsAtTheDeadlineWhenNoPodBecomesReadyAndTakesItsReplicaBack() throws Exception {
    controller.readyPods = false;
    runtime = KubernetesRuntime.create(config().withReadyTimeout(Duration.ofMillis(1500)), client);

    long t0 = System.nanoTime();
    CompletableFuture<Instance> start = runtime.start(SPEC);

    assertThatThrownBy(() -> get(start))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(InstanceStartException.class)
        .hasMessageContaining("no new ready endpoint for Deployment " + DEPLOYMENT)
        .hasMessageContaining("scaled back to 0 replicas");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    assertThat(replicas()).isZero();
    assertThat(runtime.list()).isEmpty();
  }

  @Test
  void stopRemovesTheChosenPodNotTheOneTheReplicaSetWouldPick() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);
    Instance oldest = get(runtime.start(SPEC));
    Instance middle = get(runtime.start(SPEC));
    Instance newest = get(runtime.start(SPEC));

    // Left to itself the ReplicaSet would remove the newest pod; the runtime must remove this one.
    get(runtime.stop(oldest.id(), Duration.ofSeconds(5)));

    assertThat(runtime.list()).extracting(Instance::id).containsExactly(middle.id(), newest.id());
    assertThat(client.pods().inNamespace(NS).withName(oldest.id()).get()).isNull();
    assertThat(client.pods().inNamespace(NS).withName(middle.id()).get()).isNotNull();
    assertThat(client.pods().inNamespace(NS).withName(newest.id()).get()).isNotNull();
    assertThat(replicas()).isEqualTo(2);
    // Had the ReplicaSet acted before the runtime's delete, the cost makes it pick the same pod.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(controller.deletionCostsSeen)
                    .containsExactly(Map.entry(oldest.id(), (long) Integer.MIN_VALUE)));
    controller.reconcileNow();
    assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(2);
  }

  @Test
  void stoppingAnUnknownOrStoppedInstanceCompletes() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);
    Instance instance = get(runtime.start(SPEC));
    get(runtime.stop(instance.id(), Duration.ZERO));

    get(runtime.stop(instance.id(), Duration.ZERO));
    get(runtime.stop("no-such-pod", Duration.ZERO));

    assertThat(replicas()).isZero();
    assertThat(runtime.list()).isEmpty();
  }

  @Test
  void refusesToStopAPodOfSomeoneElse() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);
    get(runtime.start(SPEC));
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName("checkout-1")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();

    assertThatThrownBy(() -> get(runtime.stop("checkout-1", Duration.ZERO)))
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("instanceId: checkout-1");
    assertThat(client.pods().inNamespace(NS).withName("checkout-1").get()).isNotNull();
    assertThat(replicas()).isEqualTo(1);
  }

  @Test
  void aNewRuntimeListsThePodsItsDeploymentsRun() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);
    Instance a = get(runtime.start(SPEC));
    Instance b = get(runtime.start(SPEC));
    runtime.close();

    runtime = KubernetesRuntime.create(config(), client);

    assertThat(runtime.list())
        .extracting(Instance::id, Instance::host, Instance::pool, Instance::version)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(a.id(), a.host(), "stable", "1.0.0"),
            org.assertj.core.groups.Tuple.tuple(b.id(), b.host(), "stable", "1.0.0"));
    get(runtime.stop(a.id(), Duration.ZERO));
    assertThat(runtime.list()).extracting(Instance::id).containsExactly(b.id());
  }

  @Test
  void refusesToConstructBesideAnHpaOnItsDeployment() {
    createHpa("bank-hpa", DEPLOYMENT);

    assertThatThrownBy(() -> KubernetesRuntime.create(config(), client))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HorizontalPodAutoscaler bank-hpa targets Deployment " + DEPLOYMENT);
  }

  @Test
  void ignoresAnHpaOnSomeoneElsesDeployment() throws Exception {
    createHpa("other-hpa", "checkout");

    runtime = KubernetesRuntime.create(config(), client);

    assertThat(get(runtime.start(SPEC)).id()).startsWith(DEPLOYMENT);
  }

  @Test
  void refusesToStartOnceAnHpaTargetsTheDeployment() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);
    get(runtime.start(SPEC));
    createHpa("late-hpa", DEPLOYMENT);

    assertThatThrownBy(() -> get(runtime.start(SPEC)))
        .cause()
        .isInstanceOf(InstanceStartException.class)
        .hasMessageContaining("HorizontalPodAutoscaler late-hpa targets Deployment " + DEPLOYMENT);
    assertThat(replicas()).isEqualTo(1);
  }

  @Test
  void refusesADifferentEnvironmentForARunningVersion() throws Exception {
    runtime = KubernetesRuntime.create(config(), client);
    get(runtime.start(SPEC));

    assertThatThrownBy(
            () -> get(runtime.start(SPEC.withEnv(Map.of("BANK_DB_URL", "postgresql://other/x")))))
        .cause()
        .isInstanceOf(InstanceStartException.class)
        .hasMessageContaining("[BANK_DB_URL]");
    assertThat(replicas()).isEqualTo(1);
  }

  private void createHpa(String name, String target) {
    client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .resource(
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withMinReplicas(1)
                .withMaxReplicas(5)
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(target)
                .endScaleTargetRef()
                .endSpec()
                .build())
        .create();
  }
}
