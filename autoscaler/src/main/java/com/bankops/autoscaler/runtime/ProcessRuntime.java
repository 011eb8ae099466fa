package com.bankops.autoscaler.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bank instances as child processes on 127.0.0.1.
 *
 * <p>Nothing is left behind: {@link #close} stops every child; a JVM shutdown hook kills them when
 * the appliance exits without closing (Ctrl-C, SIGTERM); and because a SIGKILLed appliance runs no
 * hook, each child's pid is also written to {@code <logDirectory>/<id>.pid} with its parent's, and
 * the next runtime on that directory kills the children whose parent is gone. Each child also gets
 * {@code BANK_PARENT_PID} and a stdin pipe that reaches EOF when the parent dies, so a bank
 * instance can exit on its own.
 */
final class ProcessRuntime implements ContainerRuntime {

  static final String HOST = "127.0.0.1";
  private static final System.Logger LOG = System.getLogger(ProcessRuntime.class.getName());
  private static final int TAIL_LINES = 30;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private final ProcessRuntimeConfig config;
  private final PortAllocator ports;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Child> children = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  ProcessRuntime(ProcessRuntimeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.ports = new PortAllocator(config.basePort(), config.portCount());
    try {
      Files.createDirectories(config.logDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException("logDirectory: cannot create " + config.logDirectory(), e);
    }
    OrphanReaper.reap(config.logDirectory());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "process-runtime");
              t.setDaemon(true);
              return t;
            });
    this.shutdownHook = new Thread(this::killAllOnShutdown, "process-runtime-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public String kind() {
    return "process";
  }

  @Override
  public CompletableFuture<Instance> start(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    CompletableFuture<Instance> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(new IllegalStateException("process runtime is closed"));
      return result;
    }
    try {
      scheduler.execute(() -> launch(spec, result));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("process runtime is closed"));
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
    Child child = children.get(instanceId);
    return child == null ? CompletableFuture.completedFuture(null) : terminate(child, grace);
  }

  @Override
  public Optional<Duration> cpuTime(String instanceId) {
    Child child = children.get(instanceId);
    // the child is the bank's JVM itself (no shell in between), so its own CPU time is the
    // instance's
    return child == null ? Optional.empty() : child.process.toHandle().info().totalCpuDuration();
  }

  @Override
  public List<Instance> list() {
    List<Child> ready = new ArrayList<>();
    for (Child child : children.values()) {
      if (child.ready != null && !child.stopping && child.process.isAlive()) {
        ready.add(child);
      }
    }
    ready.sort(Comparator.comparingLong(c -> c.sequence));
    return ready.stream().map(c -> c.ready).toList();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (Child child : children.values()) {
      stopping.add(terminate(child, config.closeGrace()));
    }
    try {
      CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
          .get(config.closeGrace().toMillis() + 10_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      children.values().forEach(c -> killForcibly(c.process.toHandle()));
    } catch (Exception e) {
      LOG.log(Level.WARNING, "process runtime: children did not stop in time, killing", e);
      children.values().forEach(c -> killForcibly(c.process.toHandle()));
    }
    scheduler.shutdown();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway and finds nothing left
    }
  }

  private void launch(InstanceSpec spec, CompletableFuture<Instance> result) {
    if (closed.get()) {
      result.completeExceptionally(new IllegalStateException("process runtime is closed"));
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
    Path log = config.logDirectory().resolve(id + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(config.command())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.putAll(spec.env());
    env.put("BANK_PORT", Integer.toString(port));
    env.put("BANK_VERSION", spec.version());
    env.put("BANK_POOL", spec.pool());
    env.put("BANK_INSTANCE_ID", id);
    env.put("BANK_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    Instant launchedAt = Instant.now();
    long launchedNanos = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      ports.release(port);
      result.completeExceptionally(
          new InstanceStartException(
              "cannot launch " + id + " with " + config.command() + ": " + e.getMessage(), e));
      return;
    }
    Child child = new Child(seq, id, spec, port, log, process, launchedAt, launchedNanos, result);
    children.put(id, child);
    OrphanReaper.record(config.logDirectory(), id, process.toHandle());
    process.onExit().whenComplete((p, e) -> onExit(child));
    LOG.log(
        Level.INFO,
        "process runtime: launched {0} (pid {1}, port {2}, version {3})",
        id,
        String.valueOf(process.pid()),
        String.valueOf(port),
        spec.version());
    if (closed.get()) {
      terminate(child, Duration.ZERO);
      return;
    }
    long deadline = launchedNanos + config.readyTimeout().toNanos();
    poll(child, deadline);
  }

  /** One readiness probe; reschedules itself every poll interval until ready, exit or deadline. */
  private void poll(Child child, long deadlineNanos) {
    CompletableFuture<Instance> started = child.started;
    if (started.isDone()) {
      return;
    }
    Process process = child.process;
    if (!process.isAlive()) {
      started.completeExceptionally(
          new InstanceStartException(
              child.id
                  + " exited with code "
                  + process.exitValue()
                  + " before it became ready (pid "
                  + process.pid()
                  + ", port "
                  + child.port
                  + "); last lines of "
                  + child.log
                  + ":\n"
                  + LogTail.lastLines(child.log, TAIL_LINES)));
      return;
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      started.completeExceptionally(
          new InstanceStartException(
              child.id
                  + " was not ready within "
                  + config.readyTimeout()
                  + " (GET "
                  + child.readyUri
                  + " never answered 200); killed it; last lines of "
                  + child.log
                  + ":\n"
                  + LogTail.lastLines(child.log, TAIL_LINES)));
      terminate(child, Duration.ZERO);
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(child.readyUri).timeout(PROBE_TIMEOUT).GET().build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error == null && response.statusCode() == 200 && process.isAlive()) {
                markReady(child);
              } else {
                schedulePoll(child, deadlineNanos);
              }
            });
  }

  private void schedulePoll(Child child, long deadlineNanos) {
    try {
      scheduler.schedule(
          () -> poll(child, deadlineNanos), config.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      child.started.completeExceptionally(new IllegalStateException("process runtime is closed"));
      terminate(child, Duration.ZERO);
    }
  }

  private void markReady(Child child) {
    Duration startup = Duration.ofNanos(System.nanoTime() - child.launchedNanos);
    Instance instance =
        new Instance(
            child.id,
            child.spec.pool(),
            child.spec.version(),
            HOST,
            child.port,
            child.launchedAt,
            startup);
    child.ready = instance;
    if (child.started.complete(instance)) {
      LOG.log(
          Level.INFO,
          "process runtime: {0} ready on {1} after {2} ms",
          child.id,
          instance.authority(),
          String.valueOf(startup.toMillis()));
    }
  }

  /** SIGTERM, up to {@code grace}, then SIGKILL (the child and its descendants). */
  private CompletableFuture<Void> terminate(Child child, Duration grace) {
    child.stopping = true;
    child.started.completeExceptionally(
        new InstanceStartException(child.id + " was stopped before it became ready"));
    Process process = child.process;
    if (process.isAlive()) {
      process.destroy();
      process
          .onExit()
          .orTimeout(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS)
          .whenComplete(
              (p, error) -> {
                if (error instanceof TimeoutException && process.isAlive()) {
                  LOG.log(
                      Level.WARNING,
                      "process runtime: {0} ignored SIGTERM for {1}, killing it",
                      child.id,
                      grace);
                  killForcibly(process.toHandle());
                }
              });
    }
    return child.gone;
  }

  private void onExit(Child child) {
    children.remove(child.id, child);
    ports.release(child.port);
    OrphanReaper.forget(config.logDirectory(), child.id);
    int code = child.process.exitValue();
    if (child.ready != null && !child.stopping) {
      LOG.log(
          Level.WARNING,
          "process runtime: {0} exited unexpectedly with code {1}; last lines:\n{2}",
          child.id,
          String.valueOf(code),
          LogTail.lastLines(child.log, TAIL_LINES));
    } else {
      LOG.log(
          Level.INFO, "process runtime: {0} exited with code {1}", child.id, String.valueOf(code));
    }
    child.gone.complete(null);
  }

  private void killAllOnShutdown() {
    List<Process> alive = new ArrayList<>();
    for (Child child : children.values()) {
      child.stopping = true;
      if (child.process.isAlive()) {
        child.process.destroy();
        alive.add(child.process);
      }
    }
    long deadline = System.nanoTime() + config.closeGrace().toNanos();
    for (Process process : alive) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
          killForcibly(process.toHandle());
        }
      } catch (InterruptedException e) {
        killForcibly(process.toHandle());
      }
    }
  }

  static void killForcibly(ProcessHandle handle) {
    handle.descendants().forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();
  }

  /** One launched process; mutable fields are written by the runtime's threads. */
  private static final class Child {
    final long sequence;
    final String id;
    final InstanceSpec spec;
    final int port;
    final Path log;
    final Process process;
    final Instant launchedAt;
    final long launchedNanos;
    final URI readyUri;
    final CompletableFuture<Instance> started;
    final CompletableFuture<Void> gone = new CompletableFuture<>();
    volatile Instance ready;
    volatile boolean stopping;

    Child(
        long sequence,
        String id,
        InstanceSpec spec,
        int port,
        Path log,
        Process process,
        Instant launchedAt,
        long launchedNanos,
        CompletableFuture<Instance> started) {
      this.sequence = sequence;
      this.id = id;
      this.spec = spec;
      this.port = port;
      this.log = log;
      this.process = process;
      this.launchedAt = launchedAt;
      this.launchedNanos = launchedNanos;
      this.readyUri = URI.create("http://" + HOST + ":" + port + "/health/ready");
      this.started = started;
    }
  }
}
