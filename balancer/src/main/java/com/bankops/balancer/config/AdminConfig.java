package com.bankops.balancer.config;

import java.util.Optional;

/**
 * The admin API's listener and bearer token (key {@code admin}). The token may be empty in the
 * file; the appliance then generates one. {@link #toString()} never shows it.
 */
public record AdminConfig(String host, int port, String token) {

  public static final int MIN_TOKEN_LENGTH = 16;
  public static final int MAX_TOKEN_LENGTH = 512;

  static AdminConfig read(ConfigNode n) {
    return new AdminConfig(
        n.host("host"),
        n.intIn("port", 0, HttpConfig.MAX_PORT),
        n.secret(
            "token",
            AdminConfig::isAcceptableToken,
            "empty, or "
                + MIN_TOKEN_LENGTH
                + ".."
                + MAX_TOKEN_LENGTH
                + " visible ASCII characters without spaces"));
  }

  /** The configured token, or empty when the appliance must generate one. */
  public Optional<String> configuredToken() {
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  public AdminConfig withToken(String newToken) {
    return new AdminConfig(host, port, newToken);
  }

  static boolean isAcceptableToken(String t) {
    if (t.isEmpty()) {
      return true;
    }
    return t.length() >= MIN_TOKEN_LENGTH
        && t.length() <= MAX_TOKEN_LENGTH
        && t.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  @Override
  public String toString() {
    return "AdminConfig[host=" + host + ", port=" + port + ", token=<redacted>]";
  }
}
