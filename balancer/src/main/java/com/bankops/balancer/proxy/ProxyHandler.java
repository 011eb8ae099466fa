package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.ClusterSnapshot;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.routing.CanarySplit;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Entry of the data plane: checks limits, assigns the request id, chooses the pool, and hands the
 * request to an {@link Exchange}.
 *
 * <p>Pool choice: the client key ({@code X-Client-Id}, else the {@code bank_canary} cookie, else a
 * new key that is set as that cookie) hashes to a bucket 0..9999; buckets below the canary share
 * (basis points) go to the canary. Raising the share only adds buckets, so nobody flips back.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
  static final String COOKIE = "bank_canary";
  private static final int COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;
  private static final String COOKIE_ATTRIBUTES =
      "; Path=/; Max-Age=" + COOKIE_MAX_AGE_SECONDS + "; HttpOnly; SameSite=Lax";
  private static final CharSequence X_CLIENT_ID = HttpHeaders.createOptimized("x-client-id");

  private final ProxyContext ctx;

  ProxyHandler(ProxyContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = ctx.nanoClock().getAsLong();
    String requestId = requestId(request.getHeader(Exchange.X_REQUEST_ID), ctx.random());
    long contentLength = contentLength(request);
    if (contentLength > ctx.settings().maxBodyBytes()) {
      ProxyError.BODY_TOO_LARGE.reply(request.response(), requestId);
      return;
    }
    ClusterSnapshot snapshot = ctx.membership().snapshot();
    String newKey = null;
    PoolName pool = overridden(request);
    if (pool == null) {
      String key = clientKey(request);
      if (key == null) {
        key = CanarySplit.newClientKey(ctx.random());
        newKey = key;
      }
      pool = poolOf(key, snapshot.canaryBasisPoints());
    }
    new Exchange(ctx, request, requestId, pool, newKey, start, contentLength, snapshot).start();
  }

  /** The client's request id if it is usable, else a new one. */
  static String requestId(String given, RandomGenerator random) {
    if (given == null || given.isEmpty() || given.length() > 128) {
      return Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
    return given;
  }

  /** The pool of a client key: its bucket below the canary share (basis points) is the canary. */
  static PoolName poolOf(String clientKey, int canaryBasisPoints) {
    return canaryBasisPoints > 0
            && CanarySplit.inCanary(CanarySplit.bucketOf(clientKey), canaryBasisPoints)
        ? PoolName.CANARY
        : PoolName.STABLE;
  }

  private PoolName overridden(HttpServerRequest request) {
    if (!ctx.settings().overrideHeaderEnabled()) {
      return null;
    }
    return overrideOf(request.getHeader(ctx.settings().overrideHeaderName()));
  }

  /** The pool a tester's override header value forces, or null for none or an unknown value. */
  static PoolName overrideOf(String v) {
    if (v == null) {
      return null;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "canary", "always", "1", "true" -> PoolName.CANARY;
      case "stable", "never", "0", "false" -> PoolName.STABLE;
      default -> null;
    };
  }

  private static String clientKey(HttpServerRequest request) {
    return clientKey(request.getHeader(X_CLIENT_ID), request.getHeader(HttpHeaders.COOKIE));
  }

  /** The client's key: {@code X-Client-Id}, else the {@code bank_canary} cookie, else null. */
  static String clientKey(String id, String cookies) {
    if (id != null && !id.isEmpty()) {
      return id;
    }
    if (cookies == null) {
      return null;
    }
    int i = cookies.indexOf(COOKIE + "=");
    while (i >= 0) {
      if (i == 0 || cookies.charAt(i - 1) == ' ' || cookies.charAt(i - 1) == ';') {
        int from = i + COOKIE.length() + 1;
        int to = cookies.indexOf(';', from);
        String v = (to < 0 ? cookies.substring(from) : cookies.substring(from, to)).trim();
        return v.isEmpty() ? null : v;
      }
      i = cookies.indexOf(COOKIE + "=", i + 1);
    }
    return null;
  }

  private static long contentLength(HttpServerRequest request) {
    return contentLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
  }

  /** -1 when absent; an unparseable value reads as too large. */
  static long contentLength(String v) {
    if (v == null) {
      return -1;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // unparseable: treated as too large
    }
  }

  static String canaryCookie(String key) {
    return COOKIE + "=" + key + COOKIE_ATTRIBUTES;
  }

  private static final byte[] COOKIE_PREFIX =
      (COOKIE + "=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] COOKIE_SUFFIX =
      COOKIE_ATTRIBUTES.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * The same header value as {@link #canaryCookie} for a key the proxy made (ASCII hex), as bytes:
   * Netty's encoder copies an AsciiString whole instead of a String char by char.
   */
  static io.netty.util.AsciiString canaryCookieAscii(String key) {
    byte[] b = new byte[COOKIE_PREFIX.length + key.length() + COOKIE_SUFFIX.length];
    System.arraycopy(COOKIE_PREFIX, 0, b, 0, COOKIE_PREFIX.length);
    int at = COOKIE_PREFIX.length;
    for (int i = 0; i < key.length(); i++) {
      b[at++] = (byte) key.charAt(i);
    }
    System.arraycopy(COOKIE_SUFFIX, 0, b, at, COOKIE_SUFFIX.length);
    return new io.netty.util.AsciiString(b, false);
  }
}
