package com.bankops.balancer.proxy;

/**
 * What the data plane needs to know, taken from the validated appliance configuration.
 *
 * @param bufferThresholdBytes request bodies up to this size (and every body that may be retried)
 *     are read whole before forwarding, so a retry can resend them; larger ones stream with
 *     backpressure and are never retried after the first byte left
 * @param upstreamPipelining HTTP/1.1 pipelining on backend connections (Vert.x's limit of 10)
 * @param canaryFallback the canary shield: a failed canary attempt that may be resent is resent
 *     once to the stable pool ({@code routing.canaryFallback})
 */
public record ProxySettings(
    String host,
    int port,
    int maxHeaderBytes,
    long maxBodyBytes,
    int bufferThresholdBytes,
    int serverIdleTimeoutMs,
    int connectTimeoutMs,
    int responseTimeoutMs,
    int upstreamIdleTimeoutMs,
    int maxConnectionsPerBackend,
    int maxWaitQueue,
    int maxAttempts,
    boolean overrideHeaderEnabled,
    String overrideHeaderName,
    boolean accessLog,
    boolean upstreamPipelining,
    boolean canaryFallback) {

  public static final int DEFAULT_BUFFER_THRESHOLD_BYTES = 64 * 1024;

  public ProxySettings withPort(int newPort) {
    return new ProxySettings(
        host,
        newPort,
        maxHeaderBytes,
        maxBodyBytes,
        bufferThresholdBytes,
        serverIdleTimeoutMs,
        connectTimeoutMs,
        responseTimeoutMs,
        upstreamIdleTimeoutMs,
        maxConnectionsPerBackend,
        maxWaitQueue,
        maxAttempts,
        overrideHeaderEnabled,
        overrideHeaderName,
        accessLog,
        upstreamPipelining,
        canaryFallback);
  }
}
