package com.bankops.balancer.config;

/** Active health checks of backends (key {@code health}). */
public record HealthConfig(
    int intervalMs, int timeoutMs, String path, int unhealthyThreshold, int healthyThreshold) {

  public static final int MIN_INTERVAL_MS = 100;
  public static final int MAX_INTERVAL_MS = 3_600_000;
  public static final int MAX_THRESHOLD = 100;

  static HealthConfig read(ConfigNode n) {
    int before = n.problemCount();
    int interval = n.intIn("intervalMs", MIN_INTERVAL_MS, MAX_INTERVAL_MS);
    int timeout = n.intIn("timeoutMs", 1, MAX_INTERVAL_MS);
    if (n.problemCount() == before && timeout > interval) {
      // A check must finish before the next one starts.
      n.problem("timeoutMs", timeout, "1..health.intervalMs (" + interval + ")");
    }
    return new HealthConfig(
        interval,
        timeout,
        n.string("path", p -> p.startsWith("/") && !p.contains(" "), "a path starting with /"),
        n.intIn("unhealthyThreshold", 1, MAX_THRESHOLD),
        n.intIn("healthyThreshold", 1, MAX_THRESHOLD));
  }
}
