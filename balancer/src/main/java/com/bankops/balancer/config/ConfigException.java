package com.bankops.balancer.config;

import java.util.List;

/**
 * Thrown once at load with every problem found, each naming its field and the expected range:
 *
 * <pre>
 * invalid configuration (2 problems):
 *   proxy.connectTimeoutMs: 0 (expected: 1..60000)
 *   routing.pickr: unknown key (expected one of: picker, canaryPercent, ...)
 * </pre>
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem, each starting with the field's dotted path. */
  public List<String> problems() {
    return problems;
  }

  private static String render(List<String> problems) {
    StringBuilder sb = new StringBuilder("invalid configuration (").append(problems.size());
    sb.append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
