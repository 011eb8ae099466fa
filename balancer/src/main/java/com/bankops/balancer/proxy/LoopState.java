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
  private final RandomGenerator random;
  private final Bootstrap bootstrap;
  private final Map<Backend, UpstreamPool> pools = new IdentityHashMap<>();
  private final Set<InboundConnection> inbound = new HashSet<>();
  private final int maxPerBackend;
  private final Attempts.Rules rules;
  // attempts awaiting their backend, least recently heard from first (an intrusive list, so
  // watching costs no allocation and no timer per attempt: one Netty timer per loop, always armed,
  // for the head's deadline or a whole timeout away when nothing is watched)
  private NettyExchange watchHead;
  private NettyExchange watchTail;
  private final long responseTimeoutNanos;
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
    this.random = random;
    this.bootstrap = bootstrap;
    this.maxPerBackend = maxPerBackend;
    this.maxWaiters = maxWaiters;
    this.responseTimeoutNanos = plane.settings().responseTimeoutMs() * 1_000_000L;
    this.rules =
        new Attempts.Rules(
            plane.settings(),
            plane.membership(),
            plane.retryBudget(),
            plane.observer(),
            picker,
            plane.nanoClock());
    eventLoop.schedule(
        this::checkTimeouts, responseTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  Attempts.Rules rules() {
    return rules;
  }

  /** Starts or renews the response timeout of {@code e}: it fires after that long of silence. */
  void watch(NettyExchange e) {
    if (e.watched) {
      if (watchTail == e) {
        return;
      }
      unlink(e);
    }
    e.watched = true;
    e.watchPrev = watchTail;
    e.watchNext = null;
    if (watchTail == null) {
      watchHead = e;
    } else {
      watchTail.watchNext = e;
    }
    watchTail = e;
  }

  void unwatch(NettyExchange e) {
    if (e.watched) {
      unlink(e);
      e.watched = false;
    }
  }

  private void unlink(NettyExchange e) {
    NettyExchange p = e.watchPrev;
    NettyExchange n = e.watchNext;
    if (p == null) {
      watchHead = n;
    } else {
      p.watchNext = n;
    }
    if (n == null) {
      watchTail = p;
    } else {
      n.watchPrev = p;
    }
    e.watchPrev = null;
    e.watchNext = null;
  }

  /**
   * Times out the overdue attempts and arms the next check. It is always armed, also when nothing
   * is watched (a whole timeout away: an attempt watched later is due no earlier), so that {@link
   * #watch} tests nothing. Its old test "is a timer armed?" was false only for the first request
   * after a quiet spell; the JIT had compiled the request path without that outcome, and that one
   * request threw the compiled path away: about 100 ms of recompiling on the loop's core
   * (docs/benchmarks.md, sixth round).
   */
  private void checkTimeouts() {
    long now = nanoTime();
    try {
      NettyExchange e;
      while ((e = watchHead) != null && now - e.lastProgressNanos >= responseTimeoutNanos) {
        unwatch(e);
        e.responseTimedOut();
      }
    } finally {
      // re-armed even if ending an attempt threw: nothing else would arm it again
      long wait =
          watchHead == null
              ? responseTimeoutNanos
              : watchHead.lastProgressNanos + responseTimeoutNanos - now;
      eventLoop.schedule(
          this::checkTimeouts, Math.max(wait, 1), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  NettyDataPlane plane() {
    return plane;
  }

  EventLoop eventLoop() {
    return eventLoop;
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
