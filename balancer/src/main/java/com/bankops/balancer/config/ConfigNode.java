package com.bankops.balancer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.NullNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A typed reader over one mapping of the merged YAML tree. Every read names the field by its dotted
 * path and, when the value is wrong, records a problem and returns a placeholder so that reading
 * goes on: the loader throws once, listing all problems. Keys never read are reported as unknown.
 *
 * <p>Scalars may be YAML numbers/booleans or strings holding them (environment overrides are
 * strings).
 */
final class ConfigNode {
  private final String path;
  private final JsonNode node;
  private final Problems problems;
  private final Set<String> read = new LinkedHashSet<>();

  private ConfigNode(String path, JsonNode node, Problems problems) {
    this.path = path;
    this.node = node;
    this.problems = problems;
  }

  /** The problems found so far and, per dotted path, the environment variable a value came from. */
  static final class Problems {
    final List<String> list = new ArrayList<>();
    final Map<String, String> envSources;

    Problems(Map<String, String> envSources) {
      this.envSources = envSources;
    }

    void add(String field, String what) {
      String env = envSources.get(field);
      list.add(field + ": " + what + (env == null ? "" : " [from " + env + "]"));
    }
  }

  static ConfigNode root(JsonNode node, Problems problems) {
    return new ConfigNode("", node, problems);
  }

  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private JsonNode value(String key) {
    read.add(key);
    JsonNode v = node.get(key);
    return v == null ? NullNode.getInstance() : v;
  }

  /** Reads a nested mapping with {@code reader}, then reports its unknown keys. */
  <T> T object(String key, Function<ConfigNode, T> reader) {
    JsonNode v = value(key);
    if (!v.isObject()) {
      problems.add(field(key), show(v) + " (expected: a mapping)");
      // Read an empty mapping for the placeholder values; its own complaints would be noise.
      Problems discarded = new Problems(Map.of());
      return readWhole(
          new ConfigNode(field(key), JsonNodeFactory.instance.objectNode(), discarded), reader);
    }
    return readWhole(new ConfigNode(field(key), v, problems), reader);
  }

  /** Reads a list of mappings, each with {@code reader}; elements are named {@code key[i]}. */
  <T> List<T> list(String key, Function<ConfigNode, T> reader) {
    JsonNode v = value(key);
    List<T> out = new ArrayList<>();
    if (!v.isArray()) {
      problems.add(field(key), show(v) + " (expected: a list)");
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      String elementPath = field(key) + "[" + i + "]";
      JsonNode e = v.get(i);
      if (!e.isObject()) {
        problems.add(elementPath, show(e) + " (expected: a mapping)");
        continue;
      }
      out.add(readWhole(new ConfigNode(elementPath, e, problems), reader));
    }
    return out;
  }

  static <T> T readWhole(ConfigNode n, Function<ConfigNode, T> reader) {
    T t = reader.apply(n);
    n.reportUnknownKeys();
    return t;
  }

  private void reportUnknownKeys() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!read.contains(name)) {
        problems.add(field(name), "unknown key (expected one of: " + String.join(", ", read) + ")");
      }
    }
  }

  int intIn(String key, int min, int max) {
    JsonNode v = value(key);
    Long parsed = asLong(v);
    if (parsed == null) {
      problems.add(field(key), show(v) + " (expected: an integer in " + min + ".." + max + ")");
      return min;
    }
    if (parsed < min || parsed > max) {
      problems.add(field(key), parsed + " (expected: " + min + ".." + max + ")");
      return min;
    }
    return parsed.intValue();
  }

  /** A decimal in [min, max] with at most {@code maxScale} digits after the point. */
  BigDecimal decimalIn(String key, BigDecimal min, BigDecimal max, int maxScale) {
    JsonNode v = value(key);
    BigDecimal d = asDecimal(v);
    String expected = min.toPlainString() + ".." + max.toPlainString();
    if (d == null) {
      problems.add(field(key), show(v) + " (expected: a number in " + expected + ")");
      return min;
    }
    boolean inRange = d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
    boolean fineEnough = d.stripTrailingZeros().scale() <= maxScale;
    if (!inRange || !fineEnough) {
      String step = maxScale == 0 ? "" : " in steps of " + BigDecimal.ONE.movePointLeft(maxScale);
      problems.add(field(key), d.toPlainString() + " (expected: " + expected + step + ")");
      return min;
    }
    return d;
  }

  double doubleIn(String key, double min, double max) {
    JsonNode v = value(key);
    BigDecimal d = asDecimal(v);
    if (d == null) {
      problems.add(field(key), show(v) + " (expected: a number in " + min + ".." + max + ")");
      return min;
    }
    double x = d.doubleValue();
    if (!(x >= min && x <= max)) {
      problems.add(field(key), d.toPlainString() + " (expected: " + min + ".." + max + ")");
      return min;
    }
    return x;
  }

  boolean bool(String key) {
    JsonNode v = value(key);
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
      return Boolean.parseBoolean(v.textValue());
    }
    problems.add(field(key), show(v) + " (expected: true or false)");
    return false;
  }

  /** A string checked by {@code rule}; {@code expected} describes the rule in the message. */
  String string(String key, Predicate<String> rule, String expected) {
    JsonNode v = value(key);
    String s = asText(v);
    if (s == null || !rule.test(s)) {
      problems.add(field(key), show(v) + " (expected: " + expected + ")");
      return "";
    }
    return s;
  }

  /** A host name or IP address: no scheme, port, path or whitespace. */
  String host(String key) {
    return string(
        key,
        s -> !s.isEmpty() && s.length() <= 253 && s.chars().allMatch(ConfigNode::isHostChar),
        "a host name or IP address");
  }

  private static boolean isHostChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == ':' // IPv6
        || c == '_';
  }

  /** Like {@link #string}, but absent or null reads as "". */
  String optionalString(String key, Predicate<String> rule, String expected) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      read.add(key);
      return "";
    }
    return string(key, rule, expected);
  }

  /** Like {@link #string} but never echoes the value (secrets). */
  String secret(String key, Predicate<String> rule, String expected) {
    JsonNode v = value(key);
    String s = asText(v);
    if (s == null || !rule.test(s)) {
      String shown = s == null ? show(v) : "<redacted, " + s.length() + " characters>";
      problems.add(field(key), shown + " (expected: " + expected + ")");
      return "";
    }
    return s;
  }

  /** One of the named choices, e.g. {@code "round-robin"}. */
  <E> E oneOf(String key, Map<String, E> choices, E fallback) {
    JsonNode v = value(key);
    String s = asText(v);
    E e = s == null ? null : choices.get(s);
    if (e == null) {
      problems.add(
          field(key), show(v) + " (expected one of: " + String.join(", ", choices.keySet()) + ")");
      return fallback;
    }
    return e;
  }

  /** How many problems were found so far: lets a rule across fields skip fields already wrong. */
  int problemCount() {
    return problems.list.size();
  }

  /** Records a problem found by a rule across fields, e.g. a timeout longer than its interval. */
  void problem(String key, Object value, String expected) {
    problems.add(field(key), value + " (expected: " + expected + ")");
  }

  private static Long asLong(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? v.longValue() : null;
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static BigDecimal asDecimal(JsonNode v) {
    if (v.isNumber()) {
      if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) {
        return null;
      }
      // A YAML double keeps its shortest decimal form: 12.345 stays 12.345, not 12.3449999...
      return v.isFloatingPointNumber()
          ? new BigDecimal(Double.toString(v.doubleValue()))
          : v.decimalValue();
    }
    if (v.isTextual()) {
      try {
        return new BigDecimal(v.textValue().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String asText(JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    // YAML turns `host: 10.0.0.1`-like values into text anyway; numbers stay numbers.
    return v.isNumber() || v.isBoolean() ? v.asText() : null;
  }

  private static String show(JsonNode v) {
    if (v.getNodeType() == JsonNodeType.MISSING || v.isNull()) {
      return "null";
    }
    if (v.isContainerNode()) {
      return v.isArray() ? "a list" : "a mapping";
    }
    return v.toString(); // JSON form: strings quoted, numbers plain
  }
}
