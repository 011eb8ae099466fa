package com.bankops.balancer.rollout;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the controller acts, apart from each rollout's plan. Immutable, validated naming the field.
 *
 * <p>A "known" version is one the runtime can start: with the process runtime every instance runs
 * the same bank jar labelled {@code BANK_VERSION}, so a version is known when it is in {@code
 * knownVersions}, or, when that is empty, when it is a semantic version label ({@code 1.2.3},
 * {@code 1.2.3-rc.1}). A container runtime would list its images' tags here.
 *
 * @param baseEnv environment every bank instance needs (e.g. {@code BANK_DB_URL}); the rollout's
 *     own {@code env} is laid over it
 * @param tickInterval how often the kill switch and the step timers are checked
 * @param drainDeadline how long a drained backend may finish its in-flight requests
 * @param stopGrace SIGTERM to SIGKILL when an instance is stopped
 */
public record RolloutSettings(
    Map<String, String> baseEnv,
    Set<String> knownVersions,
    Duration tickInterval,
    Duration drainDeadline,
    Duration stopGrace) {

  static final Pattern SEMVER =
      Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]{1,40})?$");

  public RolloutSettings {
    baseEnv = Map.copyOf(baseEnv);
    knownVersions = Set.copyOf(knownVersions);
    AnalysisThresholds.check(
        !tickInterval.isNegative()
            && tickInterval.toMillis() >= 50
            && tickInterval.toSeconds() <= 10,
        "rollout.tickInterval",
        tickInterval,
        "50 ms..10 s");
    AnalysisThresholds.check(
        !drainDeadline.isNegative(), "rollout.drainDeadline", drainDeadline, ">= 0");
    AnalysisThresholds.check(!stopGrace.isNegative(), "rollout.stopGrace", stopGrace, ">= 0");
  }

  public static RolloutSettings of(Map<String, String> baseEnv) {
    return new RolloutSettings(
        baseEnv, Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10));
  }

  public RolloutSettings withKnownVersions(Set<String> versions) {
    return new RolloutSettings(baseEnv, versions, tickInterval, drainDeadline, stopGrace);
  }

  public RolloutSettings withTimings(Duration tick, Duration drain, Duration grace) {
    return new RolloutSettings(baseEnv, knownVersions, tick, drain, grace);
  }

  public boolean knows(String version) {
    return knownVersions.isEmpty()
        ? SEMVER.matcher(version).matches()
        : knownVersions.contains(version);
  }

  public String knownDescription() {
    return knownVersions.isEmpty()
        ? "a version label like 1.2.3 that the runtime can start"
        : "one of " + new java.util.TreeSet<>(knownVersions);
  }
}
