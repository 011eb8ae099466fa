package com.bankops.load;

import java.net.URI;
import java.util.Locale;
import java.util.function.Function;

/**
 * What a run is told through system properties, validated once with messages that name the
 * property. Defaults fit a shared 2-core machine; a real environment raises {@code
 * load.baselineRps}.
 *
 * @param profile smoke or surge
 * @param target the balancer's data-plane URL (only this host is contacted)
 * @param baselineRps requests per second of normal traffic; the surge peaks at 10x
 * @param sloP99Ms the p99 the run must stay under, whole run, all requests
 * @param accounts accounts opened before the run, the population reads and transfers use
 * @param clients distinct X-Client-Id values (canary stickiness sees this many users)
 */
record LoadSettings(
    LoadProfile profile, URI target, int baselineRps, int sloP99Ms, int accounts, int clients) {

  static final String PREFIX = "load.";

  LoadSettings {
    if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())) {
      throw new IllegalArgumentException(
          "load.target: " + target + " (expected: an http:// or https:// URL)");
    }
    requireRange("load.baselineRps", baselineRps, 1, 10_000);
    requireRange("load.sloP99Ms", sloP99Ms, 1, 60_000);
    requireRange("load.accounts", accounts, 2, 100_000);
    requireRange("load.clients", clients, 1, 10_000_000);
  }

  /** Reads the settings; an absent property takes the profile's default. */
  static LoadSettings from(Function<String, String> properties) {
    LoadProfile profile =
        LoadProfile.named(value(properties, "profile", "smoke").toLowerCase(Locale.ROOT));
    URI target;
    String rawTarget = value(properties, "target", "http://127.0.0.1:8080");
    try {
      target =
          URI.create(
              rawTarget.endsWith("/") ? rawTarget.substring(0, rawTarget.length() - 1) : rawTarget);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("load.target: " + rawTarget + " (expected: a URL)", e);
    }
    return new LoadSettings(
        profile,
        target,
        integer(properties, "baselineRps", profile.defaultBaselineRps()),
        integer(properties, "sloP99Ms", profile.defaultSloP99Ms()),
        integer(properties, "accounts", 50),
        integer(properties, "clients", 1000));
  }

  private static String value(Function<String, String> properties, String name, String fallback) {
    String v = properties.apply(PREFIX + name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static int integer(Function<String, String> properties, String name, int fallback) {
    String v = value(properties, name, Integer.toString(fallback));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + name + ": " + v + " (expected: an integer)", e);
    }
  }

  private static void requireRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + value + " (expected: " + min + ".." + max + ")");
    }
  }
}
