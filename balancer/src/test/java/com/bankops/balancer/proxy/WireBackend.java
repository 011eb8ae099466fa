package com.bankops.balancer.proxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a raw {@link ServerSocket}, one thread per connection, whose every byte on the wire
 * the test decides through a {@link Responder}. Records each request it read (health checks
 * answered and left out) with the connection it came on.
 */
final class WireBackend implements AutoCloseable {
  /** Answers one request; returns false to close the connection after it. */
  @FunctionalInterface
  interface Responder {
    boolean answer(Wire.Request request, int nthOnConnection, OutputStream out) throws Exception;
  }

  /** A request as the backend read it, on its {@code connection}-th accepted connection. */
  record Seen(int connection, Wire.Request request) {}

  /** The request line and the proxy's request id, so clients can tell answers apart. */
  static final Responder ECHO =
      (req, nth, out) -> {
        Wire.writeResponse(out, "HTTP/1.1 200 OK", "Content-Type: text/plain\r\n", echo(req));
        return true;
      };

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Responder responder;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  WireBackend(Responder responder) throws IOException {
    this.responder = responder;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "wire-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static byte[] echo(Wire.Request req) {
    return (req.method() + " " + req.target() + " rid=" + req.head().get("x-request-id"))
        .getBytes(StandardCharsets.UTF_8);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Requests seen, health checks aside. */
  int hits() {
    return seen.size();
  }

  /** How many connections carried the requests seen. */
  long connectionsUsed() {
    return seen.stream().mapToInt(Seen::connection).distinct().count();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        int id = connections.incrementAndGet();
        Thread t = new Thread(() -> serve(s, id), "wire-backend-" + id);
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s, int id) {
    try (s) {
      var in = new BufferedInputStream(s.getInputStream());
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
      for (int nth = 1; ; nth++) {
        Wire.Request req = Wire.readRequest(in);
        if (req == null) {
          return;
        }
        if (req.target().startsWith("/health/")) {
          Wire.writeResponse(out, "HTTP/1.1 200 OK", "", Wire.ascii("ok"));
          nth--;
          continue;
        }
        seen.add(new Seen(id, req));
        if (!responder.answer(req, nth, out)) {
          out.flush();
          return;
        }
        out.flush();
      }
    } catch (Exception gone) {
      // the proxy closed or reset the connection, or the test ended
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
