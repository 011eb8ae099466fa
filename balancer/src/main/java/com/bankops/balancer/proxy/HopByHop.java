package com.bankops.balancer.proxy;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies headers across the proxy without the hop-by-hop ones (RFC 9110 §7.6.1): the fixed list,
 * plus every header named in {@code Connection}.
 *
 * <p>Runs twice per request (request and response), so the common path allocates nothing: names are
 * compared case-insensitively against a set bucketed by length, no {@code toLowerCase} per header.
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

  /** The hop-by-hop names plus {@code alsoSkip} (names the caller sets itself). */
  static Names skipping(Set<String> alsoSkip) {
    Set<String> all = new HashSet<>(FIXED);
    for (String n : alsoSkip) {
      all.add(n.toLowerCase(Locale.ROOT));
    }
    return new Names(all);
  }

  /**
   * @param skip from {@link #skipping}: the fixed hop-by-hop names and those the caller sets itself
   */
  static void copy(MultiMap from, MultiMap to, Names skip) {
    String connection = from.get("connection");
    Set<String> named = connection == null || plainToken(connection) ? null : namedIn(connection);
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey();
      if (!skip.contains(name)
          && (named == null || !named.contains(name.toLowerCase(Locale.ROOT)))) {
        to.add(name, e.getValue());
      }
    }
  }

  /**
   * Removes, in place, the hop-by-hop headers and {@code skip}'s names from a decoded Netty head:
   * the Netty engine forwards the head it decoded instead of copying it into a new map.
   */
  static void strip(io.netty.handler.codec.http.HttpHeaders headers, Names skip) {
    String connection = headers.get(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION);
    Set<String> named = connection == null || plainToken(connection) ? null : namedIn(connection);
    java.util.List<CharSequence> remove = null;
    for (java.util.Iterator<Map.Entry<CharSequence, CharSequence>> it =
            headers.iteratorCharSequence();
        it.hasNext(); ) {
      CharSequence name = it.next().getKey();
      if (skip.contains(name)
          || (named != null && named.contains(name.toString().toLowerCase(Locale.ROOT)))) {
        if (remove == null) {
          remove = new java.util.ArrayList<>(4);
        }
        remove.add(name);
      }
    }
    if (remove != null) {
      for (CharSequence n : remove) {
        headers.remove(n);
      }
    }
  }

  /**
   * The lower-case names a Connection value lists beyond the fixed hop-by-hop ones, or null when it
   * lists none (the usual "keep-alive" or "close").
   */
  static Set<String> namedBeyondFixed(String connection) {
    return plainToken(connection) ? null : namedIn(connection);
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
    Set<String> names = new HashSet<>();
    for (String p : parts) {
      String n = p.trim().toLowerCase(Locale.ROOT);
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return names;
  }

  /** A fixed set of lower-case header names, looked up case-insensitively without allocating. */
  static final class Names {
    private final String[][] byLength;

    Names(Set<String> lowerCase) {
      int max = 0;
      for (String n : lowerCase) {
        max = Math.max(max, n.length());
      }
      byLength = new String[max + 1][];
      for (int len = 0; len <= max; len++) {
        final int l = len;
        String[] same = lowerCase.stream().filter(n -> n.length() == l).toArray(String[]::new);
        byLength[len] = same.length == 0 ? null : same;
      }
    }

    boolean contains(CharSequence name) {
      int len = name.length();
      if (len >= byLength.length) {
        return false;
      }
      String[] same = byLength[len];
      if (same == null) {
        return false;
      }
      for (String n : same) {
        if (io.netty.util.AsciiString.contentEqualsIgnoreCase(n, name)) {
          return true;
        }
      }
      return false;
    }
  }
}
