package com.bankops.balancer.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Merges defaults, file and environment into one YAML tree, then reads it once. */
final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "/bankops-defaults.yaml";
  static final String CONFIG_FILE_ENV = "BANKOPS_CONFIG";

  /** Environment variable → dotted path of the value it overrides. */
  static final Map<String, String> ENV_OVERRIDES = envOverrides();

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  private ConfigLoader() {}

  private static Map<String, String> envOverrides() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("BANKOPS_HTTP_PORT", "http.port");
    m.put("BANKOPS_ADMIN_PORT", "admin.port");
    m.put("BANKOPS_ADMIN_HOST", "admin.host");
    m.put("BANKOPS_ADMIN_TOKEN", "admin.token");
    m.put("BANKOPS_RUNTIME", "runtime.kind");
    m.put("BANKOPS_K8S_NAMESPACE", "runtime.kubernetes.namespace");
    m.put("BANKOPS_K8S_IMAGE", "runtime.kubernetes.image");
    m.put("BANKOPS_K8S_DEPLOYMENT_PREFIX", "runtime.kubernetes.deploymentPrefix");
    m.put("BANKOPS_ACCESS_LOG", "http.accessLog");
    m.put("BANKOPS_PROXY_ENGINE", "proxy.engine");
    m.put("BANKOPS_NOTIFICATIONS_ENABLED", "notifications.enabled");
    m.put("BANKOPS_SMTP_ENABLED", "notifications.email.enabled");
    m.put("BANKOPS_SMTP_HOST", "notifications.email.host");
    m.put("BANKOPS_SMTP_PORT", "notifications.email.port");
    m.put("BANKOPS_SMTP_USERNAME", "notifications.email.username");
    m.put("BANKOPS_SMTP_PASSWORD", "notifications.email.password");
    m.put("BANKOPS_SMTP_FROM", "notifications.email.from");
    m.put("BANKOPS_SMTP_TO", "notifications.email.to");
    return Map.copyOf(m);
  }

  static ApplianceConfig load(Map<String, String> env) {
    String file = env.get(CONFIG_FILE_ENV);
    if (file == null || file.isBlank()) {
      return fromYaml("", env);
    }
    return load(Path.of(file), env);
  }

  static ApplianceConfig load(Path file, Map<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(
              CONFIG_FILE_ENV
                  + ": "
                  + file
                  + " (expected: a readable YAML file; "
                  + e.getClass().getSimpleName()
                  + ")"));
    }
    return fromYaml(text, env, file.toString());
  }

  static ApplianceConfig fromYaml(String yaml, Map<String, String> env) {
    return fromYaml(yaml, env, "config");
  }

  private static ApplianceConfig fromYaml(String yaml, Map<String, String> env, String source) {
    ObjectNode tree = (ObjectNode) parse(readDefaults(), "bankops-defaults.yaml");
    JsonNode overlay = parse(yaml, source);
    if (!overlay.isMissingNode() && !overlay.isNull()) {
      if (!overlay.isObject()) {
        throw new ConfigException(List.of(source + ": expected a YAML mapping at the top level"));
      }
      merge(tree, (ObjectNode) overlay);
    }
    Map<String, String> envSources = new HashMap<>();
    ENV_OVERRIDES.forEach(
        (name, path) -> {
          String value = env.get(name);
          if (value != null && !value.isBlank()) {
            set(tree, path, value.trim());
            envSources.put(path, name);
          }
        });
    ConfigNode.Problems problems = new ConfigNode.Problems(envSources);
    ApplianceConfig config =
        ConfigNode.readWhole(ConfigNode.root(tree, problems), ApplianceConfig::read);
    if (!problems.list.isEmpty()) {
      throw new ConfigException(problems.list);
    }
    return config;
  }

  private static JsonNode parse(String yaml, String source) {
    if (yaml.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode n = YAML.readTree(yaml);
      return n == null ? MissingNode.getInstance() : n;
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of(source + ": not valid YAML: " + e.getOriginalMessage()));
    }
  }

  /** Mappings merge key by key; anything else (lists included) replaces. */
  private static void merge(ObjectNode base, ObjectNode overlay) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode existing = base.get(f.getKey());
      if (existing != null && existing.isObject() && f.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) f.getValue());
      } else {
        base.set(f.getKey(), f.getValue());
      }
    }
  }

  private static void set(ObjectNode root, String dottedPath, String value) {
    String[] parts = dottedPath.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    node.set(parts[parts.length - 1], TextNode.valueOf(value));
  }

  private static String readDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULTS_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
