package com.bankops.balancer.admin;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Guards every path under {@code /admin/} except the contract itself. The token is compared in
 * constant time: both sides are hashed first, so neither content nor length leaks through timing.
 * Failures answer 401 with {@code WWW-Authenticate: Bearer} and a JSON body naming the header.
 */
final class BearerAuthHandler implements Handler<RoutingContext> {
  static final String WHO_KEY = "bankops.admin.who";
  static final String PROTECTED_PREFIX = "/admin";
  static final String PUBLIC_CONTRACT_PATH = "/admin/openapi.yaml";
  private static final String SCHEME = "Bearer ";
  private static final String CHALLENGE = "Bearer realm=\"bankops-admin\"";

  private final byte[] expectedDigest;
  private final String fingerprint;

  BearerAuthHandler(String token) {
    if (token.isEmpty()) {
      throw new IllegalArgumentException("token: empty (expected: a non-empty admin token)");
    }
    this.expectedDigest = sha256(token);
    this.fingerprint = "token:" + HexFormat.of().formatHex(expectedDigest, 0, 6);
  }

  @Override
  public void handle(RoutingContext rc) {
    if (!isProtected(rc.normalizedPath())) {
      rc.next();
      return;
    }
    String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null) {
      refuse(rc, "missing Authorization header (expected: Bearer <token>)");
      return;
    }
    if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || header.length() == SCHEME.length()
        || header.indexOf(' ', SCHEME.length()) >= 0) {
      refuse(rc, "malformed Authorization header (expected: Bearer <token>)");
      return;
    }
    byte[] given = sha256(header.substring(SCHEME.length()));
    if (!MessageDigest.isEqual(expectedDigest, given)) {
      refuse(rc, "wrong bearer token");
      return;
    }
    rc.put(WHO_KEY, fingerprint);
    rc.next();
  }

  static boolean isProtected(String path) {
    boolean underAdmin = path.equals(PROTECTED_PREFIX) || path.startsWith(PROTECTED_PREFIX + "/");
    return underAdmin && !path.equals(PUBLIC_CONTRACT_PATH);
  }

  private static void refuse(RoutingContext rc, String message) {
    rc.response().putHeader("WWW-Authenticate", CHALLENGE);
    new AdminError(401, "unauthorized", "Authorization", message).send(rc);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
