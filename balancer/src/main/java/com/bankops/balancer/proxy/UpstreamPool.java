package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpRequestEncoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The connections of one event loop to one backend (netty engine): idle ones kept last-in first-out
 * (the warmest is reused, the coldest expires), at most {@code max} open, and a bounded queue of
 * exchanges waiting for one. Confined to its event loop, so nothing here locks; taking a connection
 * is O(1), where Vert.x 5.0.7's pool scans every pooled connection per request.
 */
final class UpstreamPool {
  /** An exchange asking for a connection. */
  interface Waiter {
    void acquired(UpstreamConnection connection);

    /** The connection could not be opened: refused, unreachable or timed out. */
    void connectFailed(Throwable cause);

    /** The pool is at its limit and the wait queue is full, or the wait took too long. */
    void overloaded();
  }

  final Backend backend;
  final io.netty.util.AsciiString hostHeader;
  private final InetSocketAddress address;
  private final LoopState loop;
  private final int max;
  private final int maxWaiters;
  private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int open; // connecting or connected

  UpstreamPool(Backend backend, LoopState loop, int max, int maxWaiters) {
    this.backend = backend;
    this.loop = loop;
    this.max = max;
    this.maxWaiters = maxWaiters;
    this.address = new InetSocketAddress(backend.host(), backend.port());
    this.hostHeader = new io.netty.util.AsciiString(backend.authority());
  }

  /** Returns true when {@code w} was queued: the caller bounds the wait. */
  boolean acquire(Waiter w) {
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      c.idle = false;
      if (c.channel.isActive()) {
        w.acquired(c);
        return false;
      }
    }
    if (open < max) {
      connect(w);
    } else if (waiters.size() < maxWaiters) {
      waiters.addLast(w);
      return true;
    } else {
      w.overloaded();
    }
    return false;
  }

  /** Takes a waiter out of the queue (its client left or its wait timed out); true if it was in. */
  boolean cancel(Waiter w) {
    return waiters.remove(w);
  }

  /**
   * Gives a connection back. {@code reusable}: its last response was read to the end, both sides
   * kept it alive and the request was sent whole. Otherwise it is closed.
   */
  void release(UpstreamConnection c, boolean reusable) {
    c.listener = null;
    if (!reusable || !c.channel.isActive() || loop.closing()) {
      c.channel.close();
      return;
    }
    if (!c.channel.config().isAutoRead()) {
      c.channel.config().setAutoRead(true);
    }
    Waiter w = waiters.pollFirst();
    if (w != null) {
      w.acquired(c);
      return;
    }
    c.idle = true;
    c.idleSinceNanos = loop.nanoTime();
    idle.addFirst(c);
  }

  /** Called by the connection when its channel closed, in use or idle. */
  void closed(UpstreamConnection c) {
    open--;
    if (c.idle) {
      c.idle = false;
      idle.remove(c);
    }
    if (open < max && !waiters.isEmpty() && !loop.closing()) {
      connect(waiters.pollFirst());
    }
  }

  private void connect(Waiter w) {
    open++;
    UpstreamConnection c = new UpstreamConnection(this);
    Bootstrap b =
        loop.bootstrap()
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    c.channel = ch;
                    ch.pipeline().addLast(new HttpRequestEncoder(), c);
                  }
                });
    ChannelFuture f = b.connect(address);
    f.addListener(
        done -> {
          if (done.isSuccess()) {
            w.acquired(c);
          } else {
            open--;
            w.connectFailed(done.cause());
            if (open < max && !waiters.isEmpty() && !loop.closing()) {
              connect(waiters.pollFirst());
            }
          }
        });
  }

  /** Closes connections idle longer than {@code idleNanos}; true when the pool holds nothing. */
  boolean sweep(long now, long idleNanos) {
    Iterator<UpstreamConnection> oldestFirst = idle.descendingIterator();
    while (oldestFirst.hasNext()) {
      UpstreamConnection c = oldestFirst.next();
      if (now - c.idleSinceNanos < idleNanos) {
        break;
      }
      oldestFirst.remove();
      c.idle = false;
      c.channel.close();
    }
    return open == 0 && waiters.isEmpty();
  }

  void closeAll() {
    for (UpstreamConnection c : idle) {
      c.idle = false;
      c.channel.close();
    }
    idle.clear();
  }
}
