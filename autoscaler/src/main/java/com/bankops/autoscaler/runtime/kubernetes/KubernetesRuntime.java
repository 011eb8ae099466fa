package com.bankops.autoscaler.runtime.kubernetes;

import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.runtime.InstanceStartException;
import com.bankops.autoscaler.runtime.kubernetes.PodEndpoints.PodEndpoint;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Bank instances as pods of one Deployment per pool and version, found through the EndpointSlices
 * of a headless Service over each Deployment.
 *
 * <pre>
 *   start(spec): ensure Service + Deployment ─► replicas + 1 ─► (ReplicaSet creates a pod, kubelet
 *                probes /health/ready, EndpointSlice marks it ready) ─► watch event: a ready pod
 *                not seen before ─► Instance(id = pod name, host = pod IP, port = endpoint port)
 *                no such pod by readyTimeout ─► fails, replicas - 1
 *   stop(pod):   pod-deletion-cost = min on that pod ─► replicas - 1 ─► delete that pod with the
 *                caller's grace ─► watch event: its endpoint is gone ─► done
 * </pre>
 *
 * <p>Why both the deletion cost and the delete: lowering {@code replicas} alone lets the ReplicaSet
 * pick the pod, and deleting the pod alone makes it start a replacement at once (replicas still
 * counts it). The cost makes the ReplicaSet pick the chosen pod, so one decrement removes exactly
 * it, with no replacement churn; the explicit delete then applies the caller's grace (a shorter
 * grace on a terminating pod wins) and still removes the chosen pod should the ReplicaSet rank
 * another one first (a not-ready pod always goes first), in which case the ReplicaSet restores the
 * count.
 *
 * <p>The runtime refuses to share a Deployment with a HorizontalPodAutoscaler, at construction and
 * on every start. Pods outlive the runtime: {@link #close} stops watching but leaves the
 * Deployments as they are, so an appliance restart does not take the bank down; the next runtime
 * adopts the ready pods of its Deployments (found by prefix and label) into {@link #list}.
 *
 * <p>Blocking API calls run on the runtime's one thread, which also serialises this JVM's replica
 * changes; updates carry the resourceVersion, so a concurrent writer elsewhere causes a retry, not
 * a lost count.
 */
public final class KubernetesRuntime implements ContainerRuntime {

  private static final System.Logger LOG = System.getLogger(KubernetesRuntime.class.getName());
  private static final int CONFLICT_RETRIES = 10;
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);

  private final KubernetesRuntimeConfig config;
  private final KubernetesClient client;
  private final boolean ownsClient;
  private final ScheduledThreadPoolExecutor executor;
  private final SharedIndexInformer<EndpointSlice> slices;

  /** Deployment name → its pool and version; the Deployments this runtime scales. */
  private final Map<String, PoolVersion> deployments = new ConcurrentHashMap<>();

  // Guarded by this.
  private Map<String, PodEndpoint> present = Map.of();
  private final Map<String, Instance> instances = new HashMap<>();
  private final Map<String, Deque<Pending>> pending = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> stopping = new HashMap<>();
  private boolean closed;

  private record PoolVersion(String pool, String version) {}

  /** A start waiting for a new ready pod of its Deployment. */
  private record Pending(
      String deployment,
      InstanceSpec spec,
      Instant requestedAt,
      long requestedNanos,
      CompletableFuture<Instance> result) {}

  /** With a client from the usual sources: in-cluster service account, else kubeconfig. */
  public static KubernetesRuntime create(KubernetesRuntimeConfig config) {
    KubernetesClient client = new KubernetesClientBuilder().build();
    try {
      return new KubernetesRuntime(config, client, true);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** With the caller's client, which {@link #close} leaves open. */
  public static KubernetesRuntime create(KubernetesRuntimeConfig config, KubernetesClient client) {
    return new KubernetesRuntime(config, client, false);
  }

  /**
   * Checks for HPAs, adopts the existing Deployments and starts watching EndpointSlices.
   *
   * @throws IllegalStateException when an HPA targets one of the runtime's Deployments, or the API
   *     server cannot be read
   */
  private KubernetesRuntime(
      KubernetesRuntimeConfig config, KubernetesClient client, boolean ownsClient) {
    this.config = Objects.requireNonNull(config, "config");
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    List<String> conflicts;
    try {
      conflicts = hpaConflicts(this::isOurName);
      adoptDeployments();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "kubernetes runtime: cannot read namespace "
              + config.namespace()
              + " at "
              + client.getMasterUrl()
              + " (HTTP "
              + e.getCode()
              + "): "
              + e.getMessage(),
          e);
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalStateException(HpaGuard.refusal(config.namespace(), conflicts));
    }
    this.executor = new ScheduledThreadPoolExecutor(1, KubernetesRuntime::thread);
    executor.setRemoveOnCancelPolicy(true);
    this.slices =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(config.namespace())
            .runnableInformer(0);
    slices.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice slice) {
            refresh();
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice after) {
            refresh();
          }

          @Override
          public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
            refresh();
          }
        });
    try {
      slices.start().toCompletableFuture().get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      slices.close();
      executor.shutdownNow();
      throw new IllegalStateException(
          "kubernetes runtime: cannot watch EndpointSlices in namespace "
              + config.namespace()
              + ": "
              + e,
          e);
    }
    refresh();
    LOG.log(
        Level.INFO,
        "kubernetes runtime: namespace {0}, image {1}, {2} Deployment(s) adopted, {3} ready pod(s)",
        config.namespace(),
        config.image(),
        String.valueOf(deployments.size()),
        String.valueOf(list().size()));
  }

  @Override
  public String kind() {
    return "kubernetes";
  }

  @Override
  public CompletableFuture<Instance> start(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    CompletableFuture<Instance> result = new CompletableFuture<>();
    submit(
        result,
        () -> {
          try {
            scaleOut(spec, result);
          } catch (InstanceStartException e) {
            result.completeExceptionally(e);
          } catch (RuntimeException e) {
            result.completeExceptionally(
                new InstanceStartException(
                    "kubernetes runtime: cannot start " + spec + ": " + e.getMessage(), e));
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<Void> stop(String instanceId, Duration grace) {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace: " + grace + " (expected: >= 0)");
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    submit(
        result,
        () -> {
          try {
            scaleIn(instanceId, grace, result);
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  @Override
  public synchronized List<Instance> list() {
    List<Instance> ready = new ArrayList<>();
    for (Instance instance : instances.values()) {
      PodEndpoint endpoint = present.get(instance.id());
      if (endpoint != null && endpoint.ready()) {
        ready.add(instance);
      }
    }
    ready.sort(Comparator.comparing(Instance::startedAt).thenComparing(Instance::id));
    return List.copyOf(ready);
  }

  /** Stops watching and fails pending starts; leaves the Deployments and pods running. */
  @Override
  public void close() {
    List<Runnable> failures = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pending
          .values()
          .forEach(
              queue ->
                  queue.forEach(
                      p ->
                          failures.add(
                              () ->
                                  p.result()
                                      .completeExceptionally(
                                          new InstanceStartException(
                                              "kubernetes runtime closed while "
                                                  + p.deployment()
                                                  + " was scaling up")))));
      pending.clear();
      stopping
          .values()
          .forEach(
              f ->
                  failures.add(
                      () ->
                          f.completeExceptionally(
                              new IllegalStateException("kubernetes runtime closed"))));
      stopping.clear();
    }
    failures.forEach(Runnable::run);
    slices.close();
    executor.shutdownNow();
    if (ownsClient) {
      client.close();
    }
  }

  // ---- scale-out ----

  private void scaleOut(InstanceSpec spec, CompletableFuture<Instance> result) {
    String name = BankDeployment.name(config.deploymentPrefix(), spec.pool(), spec.version());
    List<String> conflicts = hpaConflicts(name::equals);
    if (!conflicts.isEmpty()) {
      throw new InstanceStartException(HpaGuard.refusal(config.namespace(), conflicts));
    }
    ensureDeployment(spec, name);
    Pending waiter = new Pending(name, spec, Instant.now(), System.nanoTime(), result);
    synchronized (this) {
      if (closed) {
        throw new InstanceStartException("kubernetes runtime is closed");
      }
      pending.computeIfAbsent(name, k -> new ArrayDeque<>()).add(waiter);
    }
    var timer =
        executor.schedule(
            () -> expire(waiter), config.readyTimeout().toNanos(), TimeUnit.NANOSECONDS);
    result.whenComplete((instance, error) -> timer.cancel(false));
    int replicas;
    try {
      replicas = scale(name, +1);
    } catch (RuntimeException e) {
      synchronized (this) {
        pending.getOrDefault(name, new ArrayDeque<>()).remove(waiter);
      }
      throw e;
    }
    LOG.log(
        Level.INFO,
        "kubernetes runtime: scaled {0} to {1} replicas, waiting for a new ready endpoint",
        name,
        String.valueOf(replicas));
  }

  /** The start found no new ready pod in time: fail it and take its replica back. */
  private void expire(Pending waiter) {
    boolean removed;
    synchronized (this) {
      Deque<Pending> queue = pending.get(waiter.deployment());
      removed = queue != null && queue.remove(waiter);
    }
    if (!removed) {
      return;
    }
    String restored;
    try {
      restored = "scaled back to " + scale(waiter.deployment(), -1) + " replicas";
    } catch (RuntimeException e) {
      restored = "could not scale back: " + e.getMessage();
    }
    waiter
        .result()
        .completeExceptionally(
            new InstanceStartException(
                "kubernetes runtime: no new ready endpoint for Deployment "
                    + waiter.deployment()
                    + " in namespace "
                    + config.namespace()
                    + " within "
                    + config.readyTimeout()
                    + " (pods must pass GET "
                    + BankDeployment.READY_PATH
                    + " on port "
                    + config.containerPort()
                    + "; check `kubectl describe deployment "
                    + waiter.deployment()
                    + "`); "
                    + restored));
  }

  /**
   * Creates the Service and the Deployment (with 0 replicas) when missing. An existing Deployment
   * must be the runtime's and run the spec's environment: all its pods share one template, so a
   * different environment would need a different Deployment (a new version).
   */
  private void ensureDeployment(InstanceSpec spec, String name) {
    String ns = config.namespace();
    if (client.services().inNamespace(ns).withName(name).get() == null) {
      createIgnoringConflict(
          () ->
              client
                  .services()
                  .inNamespace(ns)
                  .resource(BankDeployment.service(config, spec, name))
                  .create());
    }
    Deployment existing = client.apps().deployments().inNamespace(ns).withName(name).get();
    if (existing == null) {
      createIgnoringConflict(
          () ->
              client
                  .apps()
                  .deployments()
                  .inNamespace(ns)
                  .resource(BankDeployment.deployment(config, spec, name))
                  .create());
      LOG.log(Level.INFO, "kubernetes runtime: created Deployment {0} in {1}", name, ns);
      existing = client.apps().deployments().inNamespace(ns).withName(name).get();
    }
    Map<String, String> labels = existing.getMetadata().getLabels();
    if (labels == null
        || !BankDeployment.MANAGED_BY.equals(labels.get(BankDeployment.LABEL_MANAGED_BY))) {
      throw new InstanceStartException(
          "kubernetes runtime: Deployment "
              + name
              + " exists but is not labelled "
              + BankDeployment.LABEL_MANAGED_BY
              + "="
              + BankDeployment.MANAGED_BY
              + "; not taking it over");
    }
    List<String> differing = differingEnv(existing, spec);
    if (!differing.isEmpty()) {
      throw new InstanceStartException(
          "kubernetes runtime: Deployment "
              + name
              + " runs a different environment for "
              + differing
              + "; its pods share one template, so start this environment as another version");
    }
    if (deployments.put(name, new PoolVersion(spec.pool(), spec.version())) == null) {
      refresh(); // its slices were ignored until now; list its ready pods
    }
  }

  private static List<String> differingEnv(Deployment deployment, InstanceSpec spec) {
    Map<String, String> running = new HashMap<>();
    for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
      if (BankDeployment.CONTAINER_NAME.equals(c.getName()) && c.getEnv() != null) {
        for (EnvVar e : c.getEnv()) {
          running.put(e.getName(), e.getValue());
        }
      }
    }
    List<String> differing = new ArrayList<>();
    spec.env()
        .forEach(
            (k, v) -> {
              if (!isRuntimeOwned(k) && !v.equals(running.get(k))) {
                differing.add(k);
              }
            });
    differing.sort(null);
    return differing;
  }

  private static boolean isRuntimeOwned(String key) {
    return Set.of("BANK_HOST", "BANK_PORT", "BANK_VERSION", "BANK_POOL", "BANK_INSTANCE_ID")
        .contains(key);
  }

  // ---- scale-in ----

  private void scaleIn(String podName, Duration grace, CompletableFuture<Void> result) {
    String ns = config.namespace();
    Pod pod = client.pods().inNamespace(ns).withName(podName).get();
    String deployment = pod == null ? null : deploymentOf(pod); // refuses others' pods first
    CompletableFuture<Void> gone;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("kubernetes runtime is closed");
      }
      if (pod == null && !present.containsKey(podName)) {
        result.complete(null); // unknown or already gone: a retried scale-in is harmless
        return;
      }
      gone = stopping.computeIfAbsent(podName, k -> new CompletableFuture<>());
    }
    gone.whenComplete(
        (v, e) -> {
          if (e == null) {
            result.complete(null);
          } else {
            result.completeExceptionally(e);
          }
        });
    Duration deadline = grace.plus(config.stopTimeout());
    var timer =
        executor.schedule(
            () -> {
              synchronized (this) {
                stopping.remove(podName, gone);
              }
              gone.completeExceptionally(
                  new IllegalStateException(
                      "kubernetes runtime: the endpoint of pod "
                          + podName
                          + " was still published "
                          + deadline
                          + " after it was asked to stop"));
            },
            deadline.toNanos(),
            TimeUnit.NANOSECONDS);
    gone.whenComplete((v, e) -> timer.cancel(false));
    if (pod != null) {
      client
          .pods()
          .inNamespace(ns)
          .withName(podName)
          .edit(
              p ->
                  new PodBuilder(p)
                      .editMetadata()
                      .addToAnnotations(
                          BankDeployment.DELETION_COST, Integer.toString(Integer.MIN_VALUE))
                      .endMetadata()
                      .build());
      int replicas = scale(deployment, -1);
      client
          .pods()
          .inNamespace(ns)
          .withName(podName)
          .withGracePeriod(Math.max(0, (grace.toMillis() + 999) / 1000))
          .delete();
      LOG.log(
          Level.INFO,
          "kubernetes runtime: stopping pod {0} (grace {1}); {2} now at {3} replicas",
          podName,
          grace,
          deployment,
          String.valueOf(replicas));
    }
    refresh();
  }

  private String deploymentOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String deployment = labels == null ? null : labels.get(BankDeployment.LABEL_DEPLOYMENT);
    if (deployment == null || !deployments.containsKey(deployment)) {
      throw new IllegalArgumentException(
          "instanceId: "
              + pod.getMetadata().getName()
              + " (expected: a pod of this runtime's Deployments "
              + deployments.keySet()
              + ")");
    }
    return deployment;
  }

  // ---- shared ----

  /** Adds {@code delta} to the Deployment's replicas (not below 0); returns the new count. */
  private int scale(String name, int delta) {
    String ns = config.namespace();
    for (int attempt = 1; ; attempt++) {
      Deployment d = client.apps().deployments().inNamespace(ns).withName(name).get();
      if (d == null) {
        throw new IllegalStateException("Deployment " + name + " is gone from namespace " + ns);
      }
      Integer current = d.getSpec().getReplicas();
      int next = Math.max(0, (current == null ? 1 : current) + delta);
      d.getSpec().setReplicas(next);
      try {
        // update() sends the resourceVersion read above: a concurrent change answers 409.
        client.apps().deployments().inNamespace(ns).resource(d).update();
        return next;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= CONFLICT_RETRIES) {
          throw e;
        }
      }
    }
  }

  /**
   * Recomputes the pods from the watched slices; hands new ready pods to waiting starts (oldest
   * first) and completes the stops of pods that are gone. A new ready pod nobody waits for (a
   * replacement of a crashed pod, or one left by a previous appliance) is adopted into the list.
   */
  private void refresh() {
    List<Runnable> completions = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      Map<String, PodEndpoint> now =
          PodEndpoints.of(slices.getStore().list(), Set.copyOf(deployments.keySet()));
      for (String pod : new HashSet<>(instances.keySet())) {
        if (!now.containsKey(pod)) {
          instances.remove(pod);
        }
      }
      for (var it = stopping.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        if (!now.containsKey(entry.getKey())) {
          it.remove();
          CompletableFuture<Void> gone = entry.getValue();
          completions.add(() -> gone.complete(null));
        }
      }
      for (PodEndpoint endpoint : now.values()) {
        if (endpoint.ready() && !instances.containsKey(endpoint.pod())) {
          completions.add(claim(endpoint));
        }
      }
      present = Map.copyOf(now);
    }
    completions.forEach(Runnable::run);
  }

  /** Called with the lock held: makes a newly ready pod an instance. */
  private Runnable claim(PodEndpoint endpoint) {
    PoolVersion pv = deployments.get(endpoint.deployment());
    Deque<Pending> queue = pending.get(endpoint.deployment());
    Pending waiter = queue == null ? null : queue.poll();
    Instance instance;
    if (waiter == null) {
      instance =
          new Instance(
              endpoint.pod(),
              pv.pool(),
              pv.version(),
              endpoint.host(),
              endpoint.port(),
              Instant.now(),
              Duration.ZERO);
      instances.put(endpoint.pod(), instance);
      return () ->
          LOG.log(
              Level.INFO,
              "kubernetes runtime: adopted ready pod {0} at {1}",
              endpoint.pod(),
              instance.authority());
    }
    instance =
        new Instance(
            endpoint.pod(),
            pv.pool(),
            pv.version(),
            endpoint.host(),
            endpoint.port(),
            waiter.requestedAt(),
            Duration.ofNanos(System.nanoTime() - waiter.requestedNanos()));
    instances.put(endpoint.pod(), instance);
    return () -> {
      if (waiter.result().complete(instance)) {
        LOG.log(
            Level.INFO,
            "kubernetes runtime: pod {0} ready at {1} after {2} ms",
            instance.id(),
            instance.authority(),
            String.valueOf(instance.startupTime().toMillis()));
      }
    };
  }

  private List<String> hpaConflicts(Predicate<String> isOurs) {
    return HpaGuard.conflicts(
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(config.namespace())
            .list()
            .getItems(),
        isOurs);
  }

  private boolean isOurName(String deploymentName) {
    return deploymentName.startsWith(config.deploymentPrefix() + "-");
  }

  /** Registers the runtime's existing Deployments, so that their ready pods are listed. */
  private void adoptDeployments() {
    for (Deployment d :
        client
            .apps()
            .deployments()
            .inNamespace(config.namespace())
            .withLabel(BankDeployment.LABEL_MANAGED_BY, BankDeployment.MANAGED_BY)
            .list()
            .getItems()) {
      String name = d.getMetadata().getName();
      Map<String, String> annotations = d.getMetadata().getAnnotations();
      if (!isOurName(name) || annotations == null) {
        continue;
      }
      String pool = annotations.get(BankDeployment.ANNOTATION_POOL);
      String version = annotations.get(BankDeployment.ANNOTATION_VERSION);
      if (pool != null && version != null) {
        deployments.put(name, new PoolVersion(pool, version));
      }
    }
  }

  private static void createIgnoringConflict(Runnable create) {
    try {
      create.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e; // 409: another writer created it first, which is as good
      }
    }
  }

  private void submit(CompletableFuture<?> result, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("kubernetes runtime is closed", e));
    }
  }

  private static Thread thread(Runnable r) {
    Thread t = new Thread(r, "bankops-k8s-runtime");
    t.setDaemon(true);
    return t;
  }
}
