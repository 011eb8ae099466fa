package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.routing.Picker;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What one event loop of the netty engine owns: its picker and random generator, its upstream pools
 * (one per backend) and its client connections. Only its own thread touches it.
 */
final class LoopState {
  private final NettyDataPlane plane;
  private final EventLoop eventLoop;
  private final Picker picker;
  private final RandomGenerator random;
  private final Bootstrap bootstrap;
  private final Map<Backend, UpstreamPool> pools = new IdentityHashMap<>();
  private final Set<InboundConnection> inbound = new HashSet<>();
  private final int maxPerBackend;
  private final int maxWaiters;

  LoopState(
      NettyDataPlane plane,
      EventLoop eventLoop,
      Picker picker,
      RandomGenerator random,
      Bootstrap bootstrap,
      int maxPerBackend,
      int maxWaiters) {
    this.plane = plane;
    this.eventLoop = eventLoop;
    this.picker = picker;
    this.random = random;
    this.bootstrap = bootstrap;
    this.maxPerBackend = maxPerBackend;
    this.maxWaiters = maxWaiters;
  }

  NettyDataPlane plane() {
    return plane;
  }

  EventLoop eventLoop() {
    return eventLoop;
  }

  Picker picker() {
    return picker;
  }

  RandomGenerator random() {
    return random;
  }

  Bootstrap bootstrap() {
    return bootstrap;
  }

  long nanoTime() {
    return plane.nanoClock().getAsLong();
  }

  boolean closing() {
    return plane.closing();
  }

  UpstreamPool pool(Backend backend) {
    UpstreamPool p = pools.get(backend);
    if (p == null) {
      p = new UpstreamPool(backend, this, maxPerBackend, maxWaiters);
      pools.put(backend, p);
    }
    return p;
  }

  void opened(InboundConnection c) {
    inbound.add(c);
  }

  void closed(InboundConnection c) {
    inbound.remove(c);
  }

  int connections() {
    return inbound.size();
  }

  /**
   * Once a second: closes backend connections idle past the upstream idle timeout (a removed
   * backend's pool empties this way and is forgotten) and client connections idle past the server
   * idle timeout.
   */
  void sweep() {
    long now = nanoTime();
    long upstreamIdle = plane.settings().upstreamIdleTimeoutMs() * 1_000_000L;
    Iterator<UpstreamPool> it = pools.values().iterator();
    while (it.hasNext()) {
      if (it.next().sweep(now, upstreamIdle)) {
        it.remove();
      }
    }
    long serverIdle = plane.settings().serverIdleTimeoutMs() * 1_000_000L;
    if (serverIdle > 0) {
      List<InboundConnection> stale = null;
      for (InboundConnection c : inbound) {
        if (c.idleFor(now) > serverIdle) {
          if (stale == null) {
            stale = new ArrayList<>();
          }
          stale.add(c);
        }
      }
      if (stale != null) {
        stale.forEach(InboundConnection::close);
      }
    }
  }

  /** Stop: idle client connections close now, busy ones after their response. */
  void closeIdle() {
    for (InboundConnection c : new ArrayList<>(inbound)) {
      if (!c.busy()) {
        c.close();
      }
    }
    pools.values().forEach(UpstreamPool::closeAll);
  }

  void closeEverything() {
    new ArrayList<>(inbound).forEach(InboundConnection::close);
    pools.values().forEach(UpstreamPool::closeAll);
  }
}
