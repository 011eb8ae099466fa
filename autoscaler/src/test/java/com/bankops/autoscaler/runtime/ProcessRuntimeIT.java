package com.bankops.autoscaler.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs ({@link StubBankMain}) on 127.0.0.1, started and stopped by the runtime. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessRuntimeIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .proxy(HttpClient.Builder.NO_PROXY)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir Path logs;
  private final List<ContainerRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void closeRuntimes() {
    runtimes.forEach(ContainerRuntime::close);
  }

  @Test
  void startCompletesWhenReadyAndStopFreesThePort() throws Exception {
    ContainerRuntime runtime = runtime(config());
    InstanceSpec spec =
        new InstanceSpec("stable", "v1", 0, Map.of("STUB_EXTRA", "x", "BANK_PORT", "1"))
            .withEnv(Map.of("STUB_EXTRA", "hello", "STUB_READY_AFTER_MS", "300"));

    Instance instance = runtime.start(spec).get(60, TimeUnit.SECONDS);

    assertThat(instance.host()).isEqualTo("127.0.0.1");
    assertThat(instance.pool()).isEqualTo("stable");
    assertThat(instance.version()).isEqualTo("v1");
    assertThat(instance.id()).startsWith("stable-" + instance.port());
    assertThat(instance.startupTime()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(runtime.list()).containsExactly(instance);
    assertThat(get(instance, "/health/ready").statusCode()).isEqualTo(200);
    String body = get(instance, "/").body();
    assertThat(body)
        .contains("\"instance\":\"" + instance.id() + "\"")
        .contains("\"version\":\"v1\"")
        .contains("\"extra\":\"hello\"")
        .contains("\"parent\":\"" + ProcessHandle.current().pid() + "\"");
    assertThat(Files.readString(logs.resolve(instance.id() + ".log"))).contains("listening");
    long pid = pidOf(instance);
    // a started JVM has used CPU; the autoscaler's second signal reads it
    assertThat(runtime.cpuTime(instance.id())).hasValueSatisfying(d -> assertThat(d).isPositive());
    assertThat(runtime.cpuTime("no-such-instance")).isEmpty();

    runtime.stop(instance.id(), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
    assertThat(runtime.cpuTime(instance.id())).as("a stopped instance reports nothing").isEmpty();

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(runtime.list()).isEmpty();
    assertThatThrownBy(() -> get(instance, "/health/ready")).isInstanceOf(ConnectException.class);
    assertThat(logs.resolve(instance.id() + ".pid")).doesNotExist();
    // stopping again is harmless
    runtime.stop(instance.id(), Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void crashBeforeReadyFailsWithExitCodeAndLogTail() {
    ContainerRuntime runtime = runtime(config());

    CompletableFuture<Instance> start =
        runtime.start(InstanceSpec.of("stable", "v1").withEnv(Map.of("STUB_CRASH", "3")));

    assertThatThrownBy(() -> start.get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(InstanceStartException.class)
        .hasMessageContaining("exited with code 3 before it became ready")
        .hasMessageContaining("boom, simulated crash before ready");
    assertThat(runtime.list()).isEmpty();
  }

  @Test
  void notReadyByTheDeadlineIsKilled() throws Exception {
    ContainerRuntime runtime = runtime(config().withReadyTimeout(Duration.ofSeconds(4)));

    CompletableFuture<Instance> start =
        runtime.start(
            InstanceSpec.of("canary", "v2").withEnv(Map.of("STUB_READY_AFTER_MS", "600000")));

    assertThatThrownBy(() -> start.get(60, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(InstanceStartException.class)
        .hasMessageContaining("was not ready within PT4S")
        .hasMessageContaining("listening");
    awaitNoStubChildren();
  }

  @Test
  void anInstanceIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
    ContainerRuntime runtime = runtime(config());
    Instance instance =
        runtime
            .start(InstanceSpec.of("stable", "v1").withEnv(Map.of("STUB_IGNORE_TERM", "1")))
            .get(60, TimeUnit.SECONDS);
    long pid = pidOf(instance);
    long before = System.nanoTime();

    runtime.stop(instance.id(), Duration.ofMillis(500)).get(30, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(20));
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void closeStopsEveryInstanceAndRefusesNewOnes() throws Exception {
    ContainerRuntime runtime = runtime(config());
    CompletableFuture<Instance> a = runtime.start(InstanceSpec.of("stable", "v1"));
    CompletableFuture<Instance> b = runtime.start(InstanceSpec.of("canary", "v2"));
    List<Long> pids =
        List.of(pidOf(a.get(60, TimeUnit.SECONDS)), pidOf(b.get(60, TimeUnit.SECONDS)));
    assertThat(runtime.list()).hasSize(2);
    assertThat(a.get().port()).isNotEqualTo(b.get().port());

    runtime.close();

    pids.forEach(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    assertThatThrownBy(() -> runtime.start(InstanceSpec.of("stable", "v1")).get())
        .hasMessageContaining("closed");
  }

  @Test
  void aPortInUseFailsClearly() throws Exception {
    ContainerRuntime runtime = runtime(config());
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = squatter.getLocalPort();

      assertThatThrownBy(
              () ->
                  runtime
                      .start(InstanceSpec.of("stable", "v1").withPort(port))
                      .get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(InstanceStartException.class)
          .hasMessageContaining("port " + port + " on 127.0.0.1 is in use");
    }
  }

  @Test
  void theNextRuntimeKillsOrphansWhoseParentDied() throws Exception {
    // An orphan as a SIGKILLed appliance leaves it: a live stub and a pid file naming a dead
    // parent.
    ProcessBuilder builder = new ProcessBuilder(stubCommand()).redirectErrorStream(true);
    builder.redirectOutput(logs.resolve("orphan.log").toFile());
    builder.environment().put("BANK_PORT", Integer.toString(freePort()));
    Process orphan = builder.start();
    Process deadParent = new ProcessBuilder("true").start();
    deadParent.waitFor();
    long deadParentStart = deadParent.info().startInstant().map(i -> i.toEpochMilli()).orElse(1L);
    Files.writeString(
        logs.resolve("stable-1-1.pid"),
        orphan.pid()
            + " "
            + orphan.info().startInstant().orElseThrow().toEpochMilli()
            + " "
            + deadParent.pid()
            + " "
            + Math.max(1, deadParentStart));
    // A child of a live parent (this JVM), which must survive.
    Process sibling = new ProcessBuilder("sleep", "30").start();
    Files.writeString(
        logs.resolve("stable-2-2.pid"),
        sibling.pid()
            + " "
            + sibling.info().startInstant().orElseThrow().toEpochMilli()
            + " "
            + ProcessHandle.current().pid()
            + " "
            + ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli());
    try {
      runtime(config());

      assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(logs.resolve("stable-1-1.pid")).doesNotExist();
      assertThat(sibling.isAlive()).isTrue();
    } finally {
      orphan.destroyForcibly();
      sibling.destroyForcibly();
    }
  }

  @Test
  void stoppingAnUnknownIdCompletes() throws Exception {
    ContainerRuntime runtime = runtime(config());
    runtime.stop("nobody", Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
    assertThat(runtime.kind()).isEqualTo("process");
  }

  private ContainerRuntime runtime(ProcessRuntimeConfig config) {
    ContainerRuntime runtime = ContainerRuntime.process(config);
    runtimes.add(runtime);
    return runtime;
  }

  private ProcessRuntimeConfig config() {
    return ProcessRuntimeConfig.forCommand(stubCommand(), logs)
        .withPorts(18700, 100)
        .withCloseGrace(Duration.ofSeconds(2));
  }

  private static List<String> stubCommand() {
    String classes;
    try {
      classes =
          Path.of(StubBankMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return List.of(
        ProcessRuntimeConfig.currentJavaBinary().toString(),
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xmx64m",
        "-cp",
        classes,
        StubBankMain.class.getName());
  }

  private long pidOf(Instance instance) throws IOException {
    return Long.parseLong(
        Files.readString(logs.resolve(instance.id() + ".pid")).trim().split("\\s+")[0]);
  }

  private static HttpResponse<String> get(Instance instance, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + instance.authority() + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  private static void awaitNoStubChildren() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (ProcessHandle.current()
        .children()
        .anyMatch(h -> h.isAlive() && h.info().commandLine().orElse("").contains("StubBankMain"))) {
      assertThat(System.nanoTime() - deadline).as("stub children still alive").isNegative();
      Thread.sleep(100);
    }
  }
}
