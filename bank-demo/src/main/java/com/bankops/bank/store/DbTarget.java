package com.bankops.bank.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the database is, parsed from a URL of the form {@code postgresql://user:pass@host:port/db}.
 * {@link #toString()} hides the password.
 */
public record DbTarget(String host, int port, String database, String user, String password) {
  public static final int DEFAULT_PORT = 5432;

  /**
   * Parses a {@code postgresql://} (or {@code postgres://}) URL.
   *
   * @throws IllegalArgumentException with a message saying what is wrong (never echoing the
   *     password)
   */
  public static DbTarget parse(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "not a URL (expected: postgresql://user:pass@host:port/db)");
    }
    String scheme = uri.getScheme();
    if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
      throw new IllegalArgumentException(
          "scheme '" + scheme + "' (expected: postgresql://user:pass@host:port/db)");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(
          "missing host (expected: postgresql://user:pass@host:port/db)");
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException(
          "missing database name (expected: postgresql://user:pass@host:port/db)");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty()) {
      throw new IllegalArgumentException(
          "missing user (expected: postgresql://user:pass@host:port/db)");
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    if (user.isEmpty()) {
      throw new IllegalArgumentException(
          "missing user (expected: postgresql://user:pass@host:port/db)");
    }
    return new DbTarget(host, port, database, user, password);
  }

  /** The same target for the PostgreSQL JDBC driver (user and password are passed apart). */
  public String jdbcUrl() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "jdbc:postgresql://" + h + ":" + port + "/" + database;
  }

  /** The URL form, with the password. Use for handing the target to a child process. */
  public String url() {
    return "postgresql://"
        + encode(user)
        + (password.isEmpty() ? "" : ":" + encode(password))
        + "@"
        + host
        + ":"
        + port
        + "/"
        + encode(database);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + ":***@" + host + ":" + port + "/" + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
