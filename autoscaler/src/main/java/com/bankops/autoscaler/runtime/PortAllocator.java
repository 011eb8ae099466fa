package com.bankops.autoscaler.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out free 127.0.0.1 ports from {@code [base, base + count)}. A port is free when this
 * allocator has not handed it out and a probe can bind it. The search resumes after the last port
 * handed out, so a just-released port (whose old process may still be exiting) is reused last.
 * Thread-safe.
 */
public final class PortAllocator {

  private static final InetAddress LOOPBACK = loopback();

  private final int base;
  private final int count;
  private final Set<Integer> taken = new HashSet<>();
  private int cursor;

  public PortAllocator(int base, int count) {
    if (base < 1 || base > 65535) {
      throw new IllegalArgumentException("base: " + base + " (expected: 1..65535)");
    }
    if (count < 1 || base + count - 1 > 65535) {
      throw new IllegalArgumentException(
          "count: " + count + " (expected: 1.." + (65536 - base) + ")");
    }
    this.base = base;
    this.count = count;
  }

  /** A free port, now taken until {@link #release}. */
  public synchronized int allocate() {
    for (int i = 0; i < count; i++) {
      int port = base + (cursor + i) % count;
      if (!taken.contains(port) && canBind(port)) {
        taken.add(port);
        cursor = (port - base + 1) % count;
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port in 127.0.0.1:" + base + ".." + (base + count - 1));
  }

  /**
   * Takes a port chosen by the caller, which may lie outside the range. False when this allocator
   * already handed it out or something else listens on it.
   */
  public synchronized boolean reserve(int port) {
    if (taken.contains(port) || !canBind(port)) {
      return false;
    }
    taken.add(port);
    return true;
  }

  /**
   * The 127.0.0.1 port an instance of {@code spec} is to serve on: a free one from the range when
   * the spec asks for 0, else the one it names when that one is free.
   *
   * @throws InstanceStartException when there is none, naming the spec
   */
  int portFor(InstanceSpec spec) {
    if (spec.port() == 0) {
      try {
        return allocate();
      } catch (IllegalStateException e) {
        throw new InstanceStartException(e.getMessage(), e);
      }
    }
    if (reserve(spec.port())) {
      return spec.port();
    }
    throw new InstanceStartException(
        "port " + spec.port() + " on 127.0.0.1 is in use; not starting " + spec);
  }

  /**
   * Marks a port as taken without probing it: for a port already in use by an instance this
   * allocator's owner adopted (e.g. a container left running by a previous appliance).
   */
  public synchronized void claim(int port) {
    taken.add(port);
  }

  public synchronized void release(int port) {
    taken.remove(port);
  }

  public synchronized boolean isTaken(int port) {
    return taken.contains(port);
  }

  /** True when a server socket can bind 127.0.0.1:port right now. */
  public static boolean canBind(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
