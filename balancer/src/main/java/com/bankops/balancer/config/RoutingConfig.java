package com.bankops.balancer.config;

import java.math.BigDecimal;

/**
 * Pool split and backend choice (key {@code routing}). The canary share is a percentage in 0.01
 * steps, i.e. whole basis points: 12.34 % = 1234 bp. {@code canaryFallback} is the canary shield: a
 * failed canary attempt that may safely be resent is resent once to the stable pool.
 */
public record RoutingConfig(
    PickerKind picker,
    double canaryPercent,
    OverrideHeader overrideHeader,
    int slowStartMs,
    boolean canaryFallback) {

  public static final int MAX_SLOW_START_MS = 3_600_000;
  public static final int BASIS_POINTS_PER_PERCENT = 100;

  /** A header testers may send to force a pool ({@code routing.overrideHeader}). */
  public record OverrideHeader(boolean enabled, String name) {
    static OverrideHeader read(ConfigNode n) {
      return new OverrideHeader(
          n.bool("enabled"),
          n.string("name", OverrideHeader::isToken, "an HTTP header name, e.g. \"X-Canary\""));
    }

    /** RFC 9110 token characters. */
    static boolean isToken(String s) {
      return !s.isEmpty()
          && s.chars()
              .allMatch(
                  c ->
                      (c >= 'a' && c <= 'z')
                          || (c >= 'A' && c <= 'Z')
                          || (c >= '0' && c <= '9')
                          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }
  }

  static RoutingConfig read(ConfigNode n) {
    PickerKind picker = n.oneOf("picker", PickerKind.byWire(), PickerKind.P2C_PEAK_EWMA);
    BigDecimal percent = n.decimalIn("canaryPercent", BigDecimal.ZERO, BigDecimal.valueOf(100), 2);
    OverrideHeader header = n.object("overrideHeader", OverrideHeader::read);
    int slowStart = n.intIn("slowStartMs", 0, MAX_SLOW_START_MS);
    boolean canaryFallback = n.bool("canaryFallback");
    return new RoutingConfig(picker, percent.doubleValue(), header, slowStart, canaryFallback);
  }

  /** The canary share in basis points, 0..10000. */
  public int canaryBasisPoints() {
    return (int) Math.round(canaryPercent * BASIS_POINTS_PER_PERCENT);
  }
}
