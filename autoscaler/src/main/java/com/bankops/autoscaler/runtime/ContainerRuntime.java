package com.bankops.autoscaler.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Starts and stops bank instances. A started instance is ready: {@code GET /health/ready} on its
 * address answered 200 before {@link #start} completed. Implementations are thread-safe and never
 * block the caller: the futures complete on the runtime's own threads, so callers on an event loop
 * must hop back onto it themselves.
 *
 * <pre>
 *   start(spec) ──launch──► starting ──/health/ready 200──► ready (in list())
 *                              │ exits / deadline                 │ stop(id, grace): SIGTERM, grace, SIGKILL
 *                              ▼                                  ▼
 *                    start fails (log tail)                    gone (port released)
 * </pre>
 */
public interface ContainerRuntime extends AutoCloseable {

  /**
   * Local child processes of the bank service on 127.0.0.1 ports; see {@link ProcessRuntimeConfig}.
   */
  static ContainerRuntime process(ProcessRuntimeConfig config) {
    return new ProcessRuntime(config);
  }

  /**
   * Docker containers of the bank image on the host network; see {@link DockerRuntimeConfig}.
   * Blocks while it adopts the containers a previous runtime with the same appliance id left
   * running (and removes stale ones), at most about {@link DockerRuntimeConfig#adoptTimeout()}.
   *
   * @throws IllegalStateException when no Docker engine answers
   */
  static ContainerRuntime docker(DockerRuntimeConfig config) {
    return new DockerRuntime(config);
  }

  /**
   * Launches one instance and completes with it once it is ready. Fails with {@link
   * InstanceStartException} when the instance exits before it is ready, is not ready by the
   * runtime's deadline (it is then killed), or cannot be launched. A spec with port 0 lets the
   * runtime pick a free port.
   */
  CompletableFuture<Instance> start(InstanceSpec spec);

  /**
   * Asks the instance to stop (SIGTERM or its equivalent), waits up to {@code grace}, then kills
   * it. Completes once it is gone. Stopping an unknown or already stopped id completes normally, so
   * a retried scale-in is harmless. Stopping an instance that is still starting fails its start.
   */
  CompletableFuture<Void> stop(String instanceId, Duration grace);

  /** The ready instances this runtime runs now, in start order. A crashed instance drops out. */
  List<Instance> list();

  /**
   * The CPU time the instance has used since it started (user + system), or empty when the runtime
   * cannot tell or the instance is unknown. Read at a slow cadence (seconds) from a cheap source:
   * {@code /proc} or cgroup files, never a call that takes a second per instance.
   */
  default Optional<Duration> cpuTime(String instanceId) {
    return Optional.empty();
  }

  /**
   * {@code "process"}, {@code "docker"} or {@code "kubernetes"}: the {@code BANKOPS_RUNTIME} value.
   */
  String kind();

  /** Stops every instance (bounded by the runtime's grace) and releases the runtime's threads. */
  @Override
  void close();
}
