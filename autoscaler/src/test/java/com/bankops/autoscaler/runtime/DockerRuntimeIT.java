package com.bankops.autoscaler.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.bankops.bank.app.EmbeddedDatabase;
import java.net.ConnectException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The docker runtime against the real engine and the real bank image ({@code
 * scripts/build-images.sh}) on a real PostgreSQL. Every container this class creates carries its
 * own appliance id and is removed by that label after each test, pass or fail.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DockerRuntimeIT {
  private static final String APPLIANCE = "it-docker-runtime-" + ProcessHandle.current().pid();
  private static final String OTHER_APPLIANCE = APPLIANCE + "-other";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .proxy(HttpClient.Builder.NO_PROXY)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  static EmbeddedDatabase db;
  private final List<ContainerRuntime> runtimes = new ArrayList<>();

  @BeforeAll
  static void engineImagesAndDatabase() throws Exception {
    DockerEngine.requireEngineAndImages();
    db = EmbeddedDatabase.startTemporary();
  }

  @AfterAll
  static void closeDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @AfterEach
  void removeEverything() {
    runtimes.forEach(ContainerRuntime::close);
    DockerEngine.removeContainers(APPLIANCE);
    DockerEngine.removeContainers(OTHER_APPLIANCE);
  }

  @Test
  void startsALabelledNonRootHostNetworkContainerWithItsEnvAndStopsAndRemovesIt() throws Exception {
    ContainerRuntime runtime = runtime(config(APPLIANCE));
    InstanceSpec spec =
        new InstanceSpec(
            "canary",
            "2.0.0",
            0,
            Map.of("BANK_DB_URL", db.url(), "BANK_FAULT_ERROR_RATE", "1", "BANK_PORT", "1"));

    Instance instance = runtime.start(spec).get(120, TimeUnit.SECONDS);

    assertThat(instance.host()).isEqualTo("127.0.0.1");
    assertThat(instance.port()).isBetween(30100, 30199);
    assertThat(instance.id()).startsWith("canary-" + instance.port() + "-");
    assertThat(instance.startupTime()).isPositive();
    assertThat(runtime.list()).containsExactly(instance);
    assertThat(get(instance, "/health/ready").statusCode()).isEqualTo(200);
    // the runtime's identity reached the service, and the spec's env too (every API call fails)
    HttpResponse<String> api = get(instance, "/accounts/nope");
    assertThat(api.statusCode()).isEqualTo(500);
    assertThat(api.body()).contains("injected_fault");
    assertThat(api.headers().firstValue("X-Bank-Instance")).contains(instance.id());
    assertThat(api.headers().firstValue("X-Bank-Version")).contains("2.0.0");

    List<String> ids =
        DockerEngine.containerIds("label=" + DockerLabels.INSTANCE + "=" + instance.id());
    assertThat(ids).hasSize(1);
    String c = ids.get(0);
    assertThat(DockerEngine.inspect(c, "{{.HostConfig.NetworkMode}} {{.HostConfig.Init}}"))
        .isEqualTo("host true");
    assertThat(DockerEngine.inspect(c, "{{json .Config.Labels}}"))
        .contains("\"" + DockerLabels.APPLIANCE + "\":\"" + APPLIANCE + "\"")
        .contains("\"" + DockerLabels.POOL + "\":\"canary\"")
        .contains("\"" + DockerLabels.VERSION + "\":\"2.0.0\"")
        .contains("\"" + DockerLabels.MANAGED_BY + "\":\"" + DockerLabels.MANAGED_BY_VALUE + "\"");
    assertThat(DockerEngine.inspect(c, "{{json .Config.Env}}"))
        .contains("BANK_PORT=" + instance.port())
        .contains("BANK_POOL=canary")
        .contains("BANK_INSTANCE_ID=" + instance.id())
        .contains("BANK_DB_URL=" + db.url())
        .doesNotContain("BANK_PORT=1\"");
    // non-root: the container's processes (docker-init and the JVM under it) run as nobody
    long pid = Long.parseLong(DockerEngine.inspect(c, "{{.State.Pid}}"));
    assertThat(uidOf(pid)).isEqualTo("65534");
    for (ProcessHandle child : ProcessHandle.of(pid).orElseThrow().children().toList()) {
      assertThat(uidOf(child.pid())).as("pid " + child.pid()).isEqualTo("65534");
    }

    long t0 = System.nanoTime();
    runtime.stop(instance.id(), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
    long stopMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "DockerRuntimeIT: ready after %d ms, stopped and removed in %d ms%n",
        instance.startupTime().toMillis(), stopMs);

    assertThat(runtime.list()).isEmpty();
    assertThat(DockerEngine.containerIds("id=" + c)).as("removed").isEmpty();
    assertThatThrownBy(() -> get(instance, "/health/ready")).isInstanceOf(ConnectException.class);
    runtime.stop(instance.id(), Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS); // harmless again
  }

  @Test
  void aContainerThatExitsBeforeReadyFailsItsStartWithItsLogAndIsRemoved() {
    ContainerRuntime runtime = runtime(config(APPLIANCE));
    // no BANK_DB_URL: the service refuses to start, naming the variable
    CompletableFuture<Instance> start = runtime.start(InstanceSpec.of("stable", "1.0.0"));

    assertThatThrownBy(() -> start.get(120, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(InstanceStartException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("BANK_DB_URL");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                DockerEngine.containerIds("label=" + DockerLabels.APPLIANCE + "=" + APPLIANCE)
                    .isEmpty());
    assertThat(runtime.list()).isEmpty();
  }

  @Test
  void aNewRuntimeAdoptsReadyContainersRemovesStaleOnesAndLeavesOtherAppliancesAlone()
      throws Exception {
    ContainerRuntime first = runtime(config(APPLIANCE).withStopOnClose(false, Duration.ZERO));
    InstanceSpec spec = InstanceSpec.of("stable", "1.0.0").withEnv(Map.of("BANK_DB_URL", db.url()));
    CompletableFuture<Instance> a = first.start(spec);
    CompletableFuture<Instance> b = first.start(spec);
    Instance one = a.get(120, TimeUnit.SECONDS);
    Instance two = b.get(120, TimeUnit.SECONDS);
    // stale: one that exited (no database URL) and one that never started, both with our labels
    String exited = labelledContainer(APPLIANCE, "stable-30198-98", 30198, true);
    String created = labelledContainer(APPLIANCE, "stable-30199-99", 30199, false);
    String foreign = labelledContainer(OTHER_APPLIANCE, "stable-30197-97", 30197, false);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> DockerEngine.inspect(exited, "{{.State.Status}}").equals("exited"));

    first.close(); // like a crash: the ready containers stay up
    assertThat(get(one, "/health/ready").statusCode()).isEqualTo(200);

    ContainerRuntime second = runtime(config(APPLIANCE));

    // the two starts ran concurrently, so either may have been created first
    assertThat(second.list())
        .extracting(Instance::id, Instance::port)
        .containsExactlyInAnyOrder(tuple(one.id(), one.port()), tuple(two.id(), two.port()));
    Instance adopted =
        second.list().stream().filter(i -> i.id().equals(one.id())).findFirst().orElseThrow();
    assertThat(adopted.startedAt().getEpochSecond())
        .isBetween(one.startedAt().getEpochSecond() - 2, one.startedAt().getEpochSecond() + 2);
    assertThat(DockerEngine.containerIds("id=" + exited)).as("exited: removed").isEmpty();
    assertThat(DockerEngine.containerIds("id=" + created)).as("never started: removed").isEmpty();
    assertThat(DockerEngine.containerIds("id=" + foreign)).as("another appliance's").hasSize(1);

    // the adopted instances are fully managed: a new start takes a fresh id and port
    Instance three = second.start(spec).get(120, TimeUnit.SECONDS);
    assertThat(three.id()).isNotIn(one.id(), two.id());
    assertThat(three.port()).isNotIn(one.port(), two.port());
    assertThat(second.list()).hasSize(3);
    second.stop(one.id(), Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
    assertThat(second.list()).extracting(Instance::id).containsExactly(two.id(), three.id());
    assertThatThrownBy(() -> get(one, "/health/ready")).isInstanceOf(ConnectException.class);

    second.close(); // stopOnClose: everything of this appliance goes
    assertThat(DockerEngine.containerIds("label=" + DockerLabels.APPLIANCE + "=" + APPLIANCE))
        .isEmpty();
  }

  @Test
  void itsCpuTimeComesFromCgroupsAndAContainerKilledFromOutsideDropsOutOfTheList()
      throws Exception {
    ContainerRuntime runtime = runtime(config(APPLIANCE).withWatchInterval(Duration.ofMillis(500)));
    InstanceSpec spec = InstanceSpec.of("stable", "1.0.0").withEnv(Map.of("BANK_DB_URL", db.url()));
    Instance instance = runtime.start(spec).get(120, TimeUnit.SECONDS);
    String c =
        DockerEngine.containerIds("label=" + DockerLabels.INSTANCE + "=" + instance.id()).get(0);

    // CPU time from its cgroup files: it grows while the instance serves
    Duration before = runtime.cpuTime(instance.id()).orElseThrow();
    assertThat(before).as("a JVM that started").isGreaterThan(Duration.ofMillis(100));
    for (int i = 0; i < 200; i++) {
      assertThat(get(instance, "/health/ready").statusCode()).isEqualTo(200);
    }
    assertThat(runtime.cpuTime(instance.id()).orElseThrow()).isGreaterThan(before);
    assertThat(runtime.cpuTime("no-such-instance")).isEmpty();

    assertThat(DockerEngine.run(List.of("docker", "kill", c), 30).code()).isZero();

    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.list().isEmpty());
    assertThat(runtime.cpuTime(instance.id())).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> DockerEngine.containerIds("id=" + c).isEmpty());
  }

  private static DockerRuntimeConfig config(String applianceId) {
    return DockerRuntimeConfig.of(DockerEngine.IMAGE, applianceId)
        .withPorts(30100, 100)
        .withEnv(Map.of("JAVA_TOOL_OPTIONS", "-Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
        .withReadyTimeout(Duration.ofSeconds(100));
  }

  private ContainerRuntime runtime(DockerRuntimeConfig config) {
    ContainerRuntime r = ContainerRuntime.docker(config);
    runtimes.add(r);
    return r;
  }

  /** A container with our labels made through the CLI; started ones exit (no database URL). */
  private static String labelledContainer(
      String applianceId, String instanceId, int port, boolean start) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "docker",
                start ? "run" : "create",
                "--network",
                "host",
                "--label",
                DockerLabels.MANAGED_BY + "=" + DockerLabels.MANAGED_BY_VALUE,
                "--label",
                DockerLabels.APPLIANCE + "=" + applianceId,
                "--label",
                DockerLabels.POOL + "=stable",
                "--label",
                DockerLabels.VERSION + "=0.9.0",
                "--label",
                DockerLabels.INSTANCE + "=" + instanceId,
                "--label",
                DockerLabels.PORT + "=" + port,
                "--label",
                DockerLabels.SEQUENCE + "=" + instanceId.substring(instanceId.lastIndexOf('-') + 1),
                "-e",
                "BANK_PORT=" + port));
    if (start) {
      cmd.add("-d");
    }
    cmd.add(DockerEngine.IMAGE);
    DockerEngine.Result r = DockerEngine.run(cmd, 60);
    assertThat(r.code()).as(r.output()).isZero();
    List<String> lines = r.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    return lines.get(lines.size() - 1);
  }

  private static String uidOf(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1];
      }
    }
    throw new AssertionError("no Uid line for pid " + pid);
  }

  private static HttpResponse<String> get(Instance instance, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + instance.authority() + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
