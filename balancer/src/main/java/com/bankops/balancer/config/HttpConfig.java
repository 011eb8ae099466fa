package com.bankops.balancer.config;

/** The data plane's listener (key {@code http}). */
public record HttpConfig(
    String host,
    int port,
    int maxHeaderBytes,
    int maxBodyBytes,
    int idleTimeoutMs,
    boolean accessLog) {

  public static final int MAX_PORT = 65_535;
  public static final int MIN_HEADER_BYTES = 1_024;
  public static final int MAX_HEADER_BYTES = 1_048_576;
  public static final int MAX_BODY_BYTES = 1_073_741_824;
  public static final int MAX_TIMEOUT_MS = 3_600_000;

  static HttpConfig read(ConfigNode n) {
    return new HttpConfig(
        n.host("host"),
        n.intIn("port", 0, MAX_PORT),
        n.intIn("maxHeaderBytes", MIN_HEADER_BYTES, MAX_HEADER_BYTES),
        n.intIn("maxBodyBytes", 1, MAX_BODY_BYTES),
        n.intIn("idleTimeoutMs", 1, MAX_TIMEOUT_MS),
        n.bool("accessLog"));
  }
}
