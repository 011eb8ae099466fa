package com.bankops.balancer.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The appliance's whole configuration: immutable, validated once at load.
 *
 * <p>Layers, later wins: the embedded {@code bankops-defaults.yaml} (the one place defaults live),
 * then the YAML file named by {@code BANKOPS_CONFIG} (if set), then the environment ({@code
 * BANKOPS_HTTP_PORT}, {@code BANKOPS_ADMIN_PORT}, {@code BANKOPS_ADMIN_HOST}, {@code
 * BANKOPS_ADMIN_TOKEN}, {@code BANKOPS_RUNTIME}, the {@code BANKOPS_SMTP_*} and {@code
 * BANKOPS_NOTIFICATIONS_ENABLED} of {@link NotificationsConfig}). Every problem is collected and
 * thrown as one {@link ConfigException}, each line naming its field: {@code proxy.connectTimeoutMs:
 * 0 (expected: 1..60000)}.
 */
public record ApplianceConfig(
    HttpConfig http,
    AdminConfig admin,
    ProxyConfig proxy,
    RoutingConfig routing,
    HealthConfig health,
    OutlierConfig outlier,
    DrainConfig drain,
    List<BackendConfig> backends,
    RuntimeConfig runtime,
    DemoConfig demo,
    AutoscalerSettings autoscaler,
    NotificationsConfig notifications) {

  public ApplianceConfig {
    backends = List.copyOf(backends);
  }

  /** Defaults, then the file named by {@code BANKOPS_CONFIG}, then the environment. */
  public static ApplianceConfig load(Map<String, String> env) {
    return ConfigLoader.load(env);
  }

  /** Defaults, then {@code file}, then the environment ({@code BANKOPS_CONFIG} is ignored). */
  public static ApplianceConfig load(Path file, Map<String, String> env) {
    return ConfigLoader.load(file, env);
  }

  /** Defaults, then the given YAML text, then the environment. Handy in tests. */
  public static ApplianceConfig fromYaml(String yaml, Map<String, String> env) {
    return ConfigLoader.fromYaml(yaml, env);
  }

  /** The embedded defaults alone. */
  public static ApplianceConfig defaults() {
    return ConfigLoader.fromYaml("", Map.of());
  }

  public ApplianceConfig withAdmin(AdminConfig newAdmin) {
    return new ApplianceConfig(
        http,
        newAdmin,
        proxy,
        routing,
        health,
        outlier,
        drain,
        backends,
        runtime,
        demo,
        autoscaler,
        notifications);
  }

  static ApplianceConfig read(ConfigNode n) {
    ApplianceConfig c =
        new ApplianceConfig(
            n.object("http", HttpConfig::read),
            n.object("admin", AdminConfig::read),
            n.object("proxy", ProxyConfig::read),
            n.object("routing", RoutingConfig::read),
            n.object("health", HealthConfig::read),
            n.object("outlier", OutlierConfig::read),
            n.object("drain", DrainConfig::read),
            n.list("backends", BackendConfig::read),
            n.object("runtime", RuntimeConfig::read),
            n.object("demo", DemoConfig::read),
            n.object("autoscaler", AutoscalerSettings::read),
            n.object("notifications", NotificationsConfig::read));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < c.backends.size(); i++) {
      BackendConfig b = c.backends.get(i);
      if (!seen.add(b.authority())) {
        n.problem("backends[" + i + "]", b.authority(), "each host:port listed once");
      }
    }
    return c;
  }
}
