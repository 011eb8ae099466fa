package com.bankops.balancer.proxy;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Set;

/**
 * Copies headers across the proxy without the hop-by-hop ones (RFC 9110 §7.6.1): the fixed list,
 * plus every header named in {@code Connection}.
 */
final class HopByHop {
  private static final Set<String> FIXED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private HopByHop() {}

  /**
   * @param skipAlso lower-case names the caller sets itself (e.g. host, content-length)
   */
  static void copy(MultiMap from, MultiMap to, Set<String> skipAlso) {
    String connection = from.get("connection");
    Set<String> named =
        connection == null || plainToken(connection) ? Set.of() : namedIn(connection);
    for (var e : from) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!FIXED.contains(name) && !skipAlso.contains(name) && !named.contains(name)) {
        to.add(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * The usual values name no header to strip beyond the fixed list ("keep-alive" is in it, "close"
   * is no header): skip the split and the set, which every keep-alive response would pay.
   */
  private static boolean plainToken(String connection) {
    return connection.equalsIgnoreCase("keep-alive") || connection.equalsIgnoreCase("close");
  }

  private static Set<String> namedIn(String connection) {
    String[] parts = connection.split(",");
    java.util.HashSet<String> names = new java.util.HashSet<>();
    for (String p : parts) {
      String n = p.trim().toLowerCase(Locale.ROOT);
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return names;
  }
}
