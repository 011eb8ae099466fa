package com.bankops.autoscaler.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engine for the docker ITs, driven through the {@code docker} CLI (a second,
 * independent view of what the runtime did). Under {@code CI=true} a missing engine fails the test;
 * elsewhere it skips, saying why.
 */
final class DockerEngine {
  static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String IMAGE = DockerRuntimeConfig.DEFAULT_IMAGE;

  private DockerEngine() {}

  /** Fails under CI, else skips, when no engine answers; then builds the images if stale. */
  static void requireEngineAndImages() {
    Result info = run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), 30);
    if (info.code != 0) {
      String why =
          "no Docker engine answers (`docker info`: "
              + info.output.strip()
              + "); scripts/setup.d/20-docker.sh starts one";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why);
      }
      Assumptions.abort(why);
    }
    Path jar = REPO_ROOT.resolve("bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar");
    assertThat(jar).as("the bank jar the image holds (bank-demo is built first)").exists();
    // idempotent and about 1 s when current: the image carries the jar's hash
    Result build = run(List.of(REPO_ROOT.resolve("scripts/build-images.sh").toString()), 300);
    assertThat(build.code).as("scripts/build-images.sh:\n" + build.output).isZero();
  }

  /** Removes every container of this appliance id, running or not; returns how many. */
  static int removeContainers(String applianceId) {
    List<String> ids = containerIds("label=" + DockerLabels.APPLIANCE + "=" + applianceId);
    if (!ids.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
      rm.addAll(ids);
      run(rm, 60);
    }
    return ids.size();
  }

  /** Container ids (all states) matching a {@code docker ps --filter}. */
  static List<String> containerIds(String filter) {
    Result r = run(List.of("docker", "ps", "-aq", "--no-trunc", "--filter", filter), 30);
    assertThat(r.code).as(r.output).isZero();
    return r.output.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** {@code docker inspect --format FORMAT ID}, stripped. */
  static String inspect(String containerOrName, String format) {
    Result r = run(List.of("docker", "inspect", "--format", format, containerOrName), 30);
    assertThat(r.code).as(r.output).isZero();
    return r.output.strip();
  }

  static Result run(List<String> command, int timeoutSeconds) {
    try {
      Path out = Files.createTempFile("docker-cli", ".out");
      try {
        Process p =
            new ProcessBuilder(command)
                .directory(REPO_ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, command + " timed out after " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, e.toString());
    }
  }

  record Result(int code, String output) {}
}
