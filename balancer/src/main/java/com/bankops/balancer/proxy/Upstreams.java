package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Backend;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Per event loop: the one {@link RequestOptions} every attempt fills in (the client reads it during
 * {@code request()} and keeps nothing of it) and each backend's {@link SocketAddress}, built once
 * instead of per attempt. Confined to its event loop, like the rest of a {@link ProxyContext}.
 */
final class Upstreams {
  private static final int MAX_ADDRESSES = 1024; // backends come and go: forget them all then

  private final RequestOptions options = new RequestOptions();
  private final Map<Backend, SocketAddress> addresses = new IdentityHashMap<>();

  Upstreams(int connectTimeoutMs, int responseTimeoutMs) {
    options.setConnectTimeout(connectTimeoutMs).setIdleTimeout(responseTimeoutMs);
  }

  /** The options for one attempt; valid until the next call on this event loop. */
  RequestOptions options(Backend backend, HttpMethod method, String uri) {
    SocketAddress address = addresses.get(backend);
    if (address == null) {
      if (addresses.size() >= MAX_ADDRESSES) {
        addresses.clear();
      }
      address = SocketAddress.inetSocketAddress(backend.port(), backend.host());
      addresses.put(backend, address);
    }
    return options
        .setServer(address)
        .setHost(backend.host())
        .setPort(backend.port())
        .setMethod(method)
        .setURI(uri);
  }
}
