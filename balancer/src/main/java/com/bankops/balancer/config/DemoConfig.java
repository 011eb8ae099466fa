package com.bankops.balancer.config;

/** What {@code ./bankops demo} starts (key {@code demo}). */
public record DemoConfig(int stableInstances, int bankBasePort, String dataDir) {

  public static final int MAX_INSTANCES = 64;

  static DemoConfig read(ConfigNode n) {
    return new DemoConfig(
        n.intIn("stableInstances", 0, MAX_INSTANCES),
        // Instance i listens on bankBasePort + i, for up to MAX_INSTANCES instances.
        n.intIn("bankBasePort", 1, HttpConfig.MAX_PORT - MAX_INSTANCES),
        n.string("dataDir", d -> !d.isBlank(), "a directory path"));
  }
}
