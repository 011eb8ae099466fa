package com.bankops.autoscaler.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bank instances as Docker containers: {@code --network host} (the instance listens on a 127.0.0.1
 * port the runtime allocates), {@code --init} (SIGTERM reaches the JVM and a stop takes
 * milliseconds, not docker's 10 s), labelled with {@link DockerLabels}.
 *
 * <p>On construction the runtime looks at the containers labelled with its appliance id: a running
 * one that answers {@code /health/ready} within {@link DockerRuntimeConfig#adoptTimeout()} is
 * adopted (it appears in {@link #list()} as it was), every other one is stale and removed. So an
 * appliance that crashed, or closed with {@code stopOnClose=false}, picks up its instances again on
 * restart and the balancer never loses capacity.
 *
 * <p>Docker calls block, so they run on the runtime's own threads; callers get futures. A watcher
 * lists the containers every {@link DockerRuntimeConfig#watchInterval()} and drops (and removes) a
 * ready instance whose container stopped.
 */
final class DockerRuntime implements ContainerRuntime {

  static final String HOST = "127.0.0.1";
  private static final System.Logger LOG = System.getLogger(DockerRuntime.class.getName());
  private static final int TAIL_LINES = 30;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  // a failed readiness probe is followed by a container state check every this many probes
  private static final int INSPECT_EVERY_PROBES = 5;

  private final DockerRuntimeConfig config;
  private final DockerClient docker;
  private final PortAllocator ports;
  private final HttpClient http;
  private final ExecutorService calls;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Managed> instances = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CgroupReader cgroups = new CgroupReader(Path.of("/sys/fs/cgroup"));

  DockerRuntime(DockerRuntimeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.ports = new PortAllocator(config.basePort(), config.portCount());
    DockerClientConfig clientConfig =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(config.dockerHost())
            .build();
    this.docker =
        DockerClientImpl.getInstance(
            clientConfig,
            new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60))
                .build());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
    this.calls = Executors.newFixedThreadPool(4, daemon("docker-runtime-call"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("docker-runtime"));
    try {
      adoptOrRemove();
    } catch (RuntimeException e) {
      shutdownThreads();
      throw new IllegalStateException(
          "docker runtime: the engine at "
              + config.dockerHost()
              + " did not answer ("
              + e.getMessage()
              + "); start one with scripts/setup.d/20-docker.sh",
          e);
    }
    long every = config.watchInterval().toNanos();
    scheduler.scheduleWithFixedDelay(() -> submit(this::watch), every, every, TimeUnit.NANOSECONDS);
  }

  @Override
  public String kind() {
    return "docker";
  }

  @Override
  public CompletableFuture<Instance> start(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    CompletableFuture<Instance> result = new CompletableFuture<>();
    if (closed.get() || !submit(() -> launch(spec, result))) {
      result.completeExceptionally(new IllegalStateException("docker runtime is closed"));
    }
    return result;
  }

  @Override
  public CompletableFuture<Void> stop(String instanceId, Duration grace) {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace: " + grace + " (expected: >= 0)");
    }
    Managed m = instances.get(instanceId);
    return m == null ? CompletableFuture.completedFuture(null) : terminate(m, grace);
  }

  @Override
  public List<Instance> list() {
    return instances.values().stream()
        .filter(m -> m.ready != null && !m.stopping)
        .sorted(Comparator.comparingLong(m -> m.sequence))
        .map(m -> m.ready)
        .toList();
  }

  /** From the container's cgroup files (microseconds to read), not Docker's stats call. */
  @Override
  public Optional<Duration> cpuTime(String instanceId) {
    Managed m = instances.get(instanceId);
    if (m == null || m.containerId == null || m.stopping) {
      return Optional.empty();
    }
    return cgroups.read(m.containerId, System.nanoTime()).map(s -> Duration.ofNanos(s.cpuNanos()));
  }

  /**
   * With {@code stopOnClose}, stops every container (bounded by the grace); without, stops only
   * those still starting and leaves the ready ones for the next runtime to adopt.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (Managed m : instances.values()) {
      if (config.stopOnClose() || m.ready == null) {
        stopping.add(terminate(m, config.stopGraceOnClose()));
      }
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(config.stopGraceOnClose().toMillis() + 20_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "docker runtime: containers did not stop in time", e);
    }
    LOG.log(
        Level.INFO,
        "docker runtime: closed; {0} container(s) left running for adoption",
        String.valueOf(config.stopOnClose() ? 0 : list().size()));
    shutdownThreads();
  }

  private void adoptOrRemove() {
    List<Container> found =
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(
                Map.of(
                    DockerLabels.MANAGED_BY,
                    DockerLabels.MANAGED_BY_VALUE,
                    DockerLabels.APPLIANCE,
                    config.applianceId()))
            .exec();
    long deadline = System.nanoTime() + config.adoptTimeout().toNanos();
    long maxSequence = 0;
    for (Container c : found) {
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      Adoptable a = Adoptable.from(labels);
      boolean running = "running".equals(c.getState());
      if (a != null) {
        maxSequence = Math.max(maxSequence, a.sequence);
      }
      if (a != null && running && answersReady(a.port, deadline)) {
        Instance instance =
            new Instance(
                a.id,
                a.pool,
                a.version,
                HOST,
                a.port,
                Instant.ofEpochSecond(c.getCreated() == null ? 0 : c.getCreated()),
                config.adoptedStartupTime());
        Managed m =
            new Managed(
                a.sequence,
                a.id,
                new InstanceSpec(a.pool, a.version, a.port, Map.of()),
                a.port,
                System.nanoTime(),
                instance.startedAt(),
                CompletableFuture.completedFuture(instance));
        m.containerId = c.getId();
        m.ready = instance;
        ports.claim(a.port);
        instances.put(a.id, m);
        LOG.log(
            Level.INFO,
            "docker runtime: adopted {0} (container {1}, {2})",
            a.id,
            shortId(c.getId()),
            instance.authority());
      } else {
        LOG.log(
            Level.INFO,
            "docker runtime: removing stale container {0} ({1}, state {2})",
            shortId(c.getId()),
            a == null ? "labels incomplete" : a.id,
            c.getState());
        removeQuietly(c.getId());
      }
    }
    sequence.set(maxSequence);
  }

  /** Probes until the first 200 or the deadline; blocking, used only while adopting. */
  private boolean answersReady(int port, long deadlineNanos) {
    URI uri = readyUri(port);
    do {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        // not answering yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      sleep(config.pollInterval());
    } while (System.nanoTime() - deadlineNanos < 0);
    return false;
  }

  private void launch(InstanceSpec spec, CompletableFuture<Instance> result) {
    if (closed.get()) {
      result.completeExceptionally(new IllegalStateException("docker runtime is closed"));
      return;
    }
    int port;
    try {
      port = ports.portFor(spec);
    } catch (InstanceStartException e) {
      result.completeExceptionally(e);
      return;
    }
    long seq = sequence.incrementAndGet();
    String id = spec.pool() + "-" + port + "-" + seq;
    Managed m = new Managed(seq, id, spec, port, System.nanoTime(), Instant.now(), result);
    instances.put(id, m);
    Map<String, String> env = new LinkedHashMap<>(config.env());
    env.putAll(spec.env());
    env.put("BANK_HOST", HOST);
    env.put("BANK_PORT", Integer.toString(port));
    env.put("BANK_VERSION", spec.version());
    env.put("BANK_POOL", spec.pool());
    env.put("BANK_INSTANCE_ID", id);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(DockerLabels.MANAGED_BY, DockerLabels.MANAGED_BY_VALUE);
    labels.put(DockerLabels.APPLIANCE, config.applianceId());
    labels.put(DockerLabels.POOL, spec.pool());
    labels.put(DockerLabels.VERSION, spec.version());
    labels.put(DockerLabels.INSTANCE, id);
    labels.put(DockerLabels.PORT, Integer.toString(port));
    labels.put(DockerLabels.SEQUENCE, Long.toString(seq));
    try {
      String containerId =
          docker
              .createContainerCmd(config.image())
              .withName("bankops-" + config.applianceId() + "-" + id)
              .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
              .withLabels(labels)
              .withHostConfig(HostConfig.newHostConfig().withNetworkMode("host").withInit(true))
              .exec()
              .getId();
      m.containerId = containerId;
      docker.startContainerCmd(containerId).exec();
    } catch (RuntimeException e) {
      result.completeExceptionally(
          new InstanceStartException(
              "cannot run " + id + " from image " + config.image() + ": " + e.getMessage(), e));
      forget(m);
      if (m.containerId != null) {
        removeQuietly(m.containerId);
      }
      m.gone.complete(null);
      return;
    }
    LOG.log(
        Level.INFO,
        "docker runtime: started {0} (container {1}, port {2}, version {3})",
        id,
        shortId(m.containerId),
        String.valueOf(port),
        spec.version());
    if (m.stopping || closed.get()) {
      terminate(m, Duration.ZERO);
      return;
    }
    poll(m, m.launchedNanos + config.readyTimeout().toNanos(), 0);
  }

  /** One readiness probe; reschedules itself until ready, the container exits, or the deadline. */
  private void poll(Managed m, long deadlineNanos, int probes) {
    if (m.started.isDone()) {
      return;
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      submit(
          () -> {
            fail(
                m,
                m.id
                    + " was not ready within "
                    + config.readyTimeout()
                    + " (GET "
                    + m.readyUri
                    + " never answered 200); removed it; last log lines:\n"
                    + logTail(m.containerId));
            terminate(m, Duration.ZERO);
          });
      return;
    }
    http.sendAsync(
            HttpRequest.newBuilder(m.readyUri).timeout(PROBE_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() == 200) {
                markReady(m);
              } else if ((probes + 1) % INSPECT_EVERY_PROBES == 0) {
                submit(() -> checkStillRunning(m, deadlineNanos, probes + 1));
              } else {
                schedulePoll(m, deadlineNanos, probes + 1);
              }
            });
  }

  private void checkStillRunning(Managed m, long deadlineNanos, int probes) {
    Boolean running;
    Long exitCode;
    try {
      var state = docker.inspectContainerCmd(m.containerId).exec().getState();
      running = state.getRunning();
      exitCode = state.getExitCodeLong();
    } catch (NotFoundException e) {
      running = false;
      exitCode = null;
    } catch (RuntimeException e) {
      running = null; // engine hiccup: keep probing until the deadline
      exitCode = null;
    }
    if (Boolean.FALSE.equals(running) && !m.stopping) {
      fail(
          m,
          m.id
              + " exited with code "
              + exitCode
              + " before it became ready (container "
              + shortId(m.containerId)
              + ", port "
              + m.port
              + "); last log lines:\n"
              + logTail(m.containerId));
      terminate(m, Duration.ZERO);
      return;
    }
    schedulePoll(m, deadlineNanos, probes);
  }

  private void schedulePoll(Managed m, long deadlineNanos, int probes) {
    try {
      scheduler.schedule(
          () -> poll(m, deadlineNanos, probes),
          config.pollInterval().toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      fail(m, "docker runtime is closed");
    }
  }

  private void markReady(Managed m) {
    Duration startup = Duration.ofNanos(System.nanoTime() - m.launchedNanos);
    Instance instance =
        new Instance(m.id, m.spec.pool(), m.spec.version(), HOST, m.port, m.launchedAt, startup);
    m.ready = instance;
    if (m.started.complete(instance)) {
      LOG.log(
          Level.INFO,
          "docker runtime: {0} ready on {1} after {2} ms",
          m.id,
          instance.authority(),
          String.valueOf(startup.toMillis()));
    }
  }

  private static void fail(Managed m, String message) {
    m.started.completeExceptionally(new InstanceStartException(message));
  }

  /** docker stop with the grace (SIGTERM, then SIGKILL), then remove; idempotent. */
  private CompletableFuture<Void> terminate(Managed m, Duration grace) {
    m.stopping = true;
    fail(m, m.id + " was stopped before it became ready");
    if (m.containerId == null) {
      // still being created: launch() sees `stopping` once create returns and comes back here
      return m.gone;
    }
    if (m.terminating.compareAndSet(false, true)) {
      Runnable stop =
          () -> {
            try {
              // the API's timeout is whole seconds; round up so the grace is never cut short
              int seconds = (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000);
              docker.stopContainerCmd(m.containerId).withTimeout(seconds).exec();
            } catch (NotModifiedException | NotFoundException alreadyStopped) {
              // fine: it is down
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "docker runtime: stop of " + m.id + " failed, removing", e);
            }
            removeQuietly(m.containerId);
            forget(m);
            LOG.log(Level.INFO, "docker runtime: {0} stopped and removed", m.id);
            m.gone.complete(null);
          };
      if (!submit(stop)) {
        // threads already gone (close raced): do it here rather than leave the container
        stop.run();
      }
    }
    return m.gone;
  }

  /** Drops ready instances whose container stopped (crashed or removed from outside). */
  private void watch() {
    Map<String, String> states = new LinkedHashMap<>();
    try {
      for (Container c :
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(
                  Map.of(
                      DockerLabels.MANAGED_BY,
                      DockerLabels.MANAGED_BY_VALUE,
                      DockerLabels.APPLIANCE,
                      config.applianceId()))
              .exec()) {
        states.put(c.getId(), c.getState());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "docker runtime: listing containers failed: {0}", e.getMessage());
      return;
    }
    for (Managed m : instances.values()) {
      if (m.ready == null || m.stopping || m.containerId == null) {
        continue;
      }
      String state = states.get(m.containerId);
      if (!"running".equals(state)) {
        LOG.log(
            Level.WARNING,
            "docker runtime: {0} is {1}, dropping it; last log lines:\n{2}",
            m.id,
            state == null ? "gone" : state,
            logTail(m.containerId));
        m.stopping = true;
        removeQuietly(m.containerId);
        forget(m);
        m.gone.complete(null);
      }
    }
  }

  private void forget(Managed m) {
    if (instances.remove(m.id, m)) {
      ports.release(m.port);
    }
  }

  private void removeQuietly(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // already gone
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "docker runtime: cannot remove container {0}: {1}",
          shortId(containerId),
          e.getMessage());
    }
  }

  private String logTail(String containerId) {
    if (containerId == null) {
      return "(no container)";
    }
    StringBuilder out = new StringBuilder();
    try {
      docker
          .logContainerCmd(containerId)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(TAIL_LINES)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      return "(logs unavailable: " + e.getMessage() + ")";
    }
    return out.length() == 0 ? "(log is empty)" : out.toString().stripTrailing();
  }

  private boolean submit(Runnable task) {
    try {
      calls.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "docker runtime: task failed", e);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void shutdownThreads() {
    scheduler.shutdownNow();
    calls.shutdown();
    try {
      calls.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      docker.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "docker client close failed", e);
    }
  }

  private static URI readyUri(int port) {
    return URI.create("http://" + HOST + ":" + port + "/health/ready");
  }

  private static String shortId(String containerId) {
    return containerId == null ? "-" : containerId.substring(0, Math.min(12, containerId.length()));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A labelled container's identity, or null when its labels are incomplete. */
  private record Adoptable(String id, String pool, String version, int port, long sequence) {
    static Adoptable from(Map<String, String> labels) {
      try {
        String id = labels.get(DockerLabels.INSTANCE);
        String pool = labels.get(DockerLabels.POOL);
        String version = labels.get(DockerLabels.VERSION);
        int port = Integer.parseInt(labels.getOrDefault(DockerLabels.PORT, ""));
        long seq = Long.parseLong(labels.getOrDefault(DockerLabels.SEQUENCE, ""));
        if (id == null || pool == null || version == null || port < 1 || port > 65535) {
          return null;
        }
        return new Adoptable(id, pool, version, port, seq);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** One container; mutable fields are written by the runtime's threads. */
  private static final class Managed {
    final long sequence;
    final String id;
    final InstanceSpec spec;
    final int port;
    final long launchedNanos;
    final Instant launchedAt;
    final URI readyUri;
    final CompletableFuture<Instance> started;
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    final AtomicBoolean terminating = new AtomicBoolean();
    volatile String containerId;
    volatile Instance ready;
    volatile boolean stopping;

    Managed(
        long sequence,
        String id,
        InstanceSpec spec,
        int port,
        long launchedNanos,
        Instant launchedAt,
        CompletableFuture<Instance> started) {
      this.sequence = sequence;
      this.id = id;
      this.spec = spec;
      this.port = port;
      this.launchedNanos = launchedNanos;
      this.launchedAt = launchedAt;
      this.readyUri = readyUri(port);
      this.started = started;
    }
  }
}
