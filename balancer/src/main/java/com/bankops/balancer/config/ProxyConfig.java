package com.bankops.balancer.config;

/**
 * Forwarding to backends: timeouts, connection pool, retries (key {@code proxy}).
 *
 * @param upstreamPipelining send up to 10 requests on one backend connection before the first
 *     answer (HTTP/1.1 pipelining). Off by default: a slow answer delays those queued behind it,
 *     and a connection closed by the backend (e.g. after its keep-alive request limit) or reset for
 *     a client that left fails all of them at once (see docs/benchmarks.md). Only the {@code vertx}
 *     engine pipelines; with {@code netty} the key is refused
 */
public record ProxyConfig(
    int connectTimeoutMs,
    int responseTimeoutMs,
    int idleTimeoutMs,
    int maxConnectionsPerBackend,
    int maxWaitQueue,
    double retryBudgetRatio,
    int minRetriesPerSecond,
    int maxAttempts,
    boolean upstreamPipelining,
    Engine engine) {

  /**
   * The HTTP machinery of the data plane. {@code netty} (default): the proxy's own Netty pipeline,
   * which forwards the decoded request and response heads without rebuilding header maps and keeps
   * one upstream pool per event loop. {@code vertx}: Vert.x's HttpServer and HttpClient, kept as a
   * fallback and for {@code upstreamPipelining}.
   */
  public enum Engine {
    NETTY,
    VERTX;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static java.util.Map<String, Engine> byWire() {
      java.util.Map<String, Engine> m = new java.util.LinkedHashMap<>();
      for (Engine e : values()) {
        m.put(e.wire(), e);
      }
      return m;
    }
  }

  public static final int MAX_CONNECT_TIMEOUT_MS = 60_000;
  public static final int MAX_RESPONSE_TIMEOUT_MS = 600_000;
  public static final int MAX_IDLE_TIMEOUT_MS = 3_600_000;
  public static final int MAX_CONNECTIONS_PER_BACKEND = 65_536;
  public static final int MAX_WAIT_QUEUE = 1_000_000;
  public static final int MAX_RETRIES_PER_SECOND = 10_000;
  public static final int MAX_ATTEMPTS = 10;

  static ProxyConfig read(ConfigNode n) {
    int before = n.problemCount();
    ProxyConfig c =
        new ProxyConfig(
            n.intIn("connectTimeoutMs", 1, MAX_CONNECT_TIMEOUT_MS),
            n.intIn("responseTimeoutMs", 1, MAX_RESPONSE_TIMEOUT_MS),
            n.intIn("idleTimeoutMs", 1, MAX_IDLE_TIMEOUT_MS),
            n.intIn("maxConnectionsPerBackend", 1, MAX_CONNECTIONS_PER_BACKEND),
            n.intIn("maxWaitQueue", 0, MAX_WAIT_QUEUE),
            n.doubleIn("retryBudgetRatio", 0.0, 1.0),
            n.intIn("minRetriesPerSecond", 0, MAX_RETRIES_PER_SECOND),
            n.intIn("maxAttempts", 1, MAX_ATTEMPTS),
            n.bool("upstreamPipelining"),
            n.oneOf("engine", Engine.byWire(), Engine.NETTY));
    if (n.problemCount() == before && c.upstreamPipelining() && c.engine() != Engine.VERTX) {
      n.problem("upstreamPipelining", true, "false unless proxy.engine is vertx");
    }
    return c;
  }
}
