package com.bankops.balancer.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 with behaviours the tests select by path:
 *
 * <ul>
 *   <li>{@code /echo}: 200 with the request headers it received as JSON
 *   <li>{@code /slow?ms=N}: answers after N ms
 *   <li>{@code /status/N}: answers status N
 *   <li>{@code /reset}: reads the request, then closes the connection without answering
 *   <li>{@code /health/ready} and {@code /}: 200, or 503 and 500 while {@link #healthy} is false
 *   <li>any path but {@code /health/*}: status {@link #failStatus} while it is not 0 (a faulty
 *       release whose health checks still pass, like the bank's {@code BANK_FAULT_ERROR_RATE})
 * </ul>
 *
 * Counts every request it received.
 */
final class TestBackend implements AutoCloseable {
  final String name;
  final AtomicInteger hits = new AtomicInteger();

  /** While false, {@code /health/ready} answers 503 and {@code /} answers 500. */
  final java.util.concurrent.atomic.AtomicBoolean healthy =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  /** While not 0, every request outside {@code /health/} is answered with this status. */
  final AtomicInteger failStatus = new AtomicInteger();

  private final HttpServer server;

  private TestBackend(String name, HttpServer server) {
    this.name = name;
    this.server = server;
  }

  static TestBackend start(Vertx vertx, String name) throws Exception {
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = vertx.createHttpServer();
    TestBackend b = new TestBackend(name, server);
    server.requestHandler(
        req ->
            req.body()
                .onSuccess(
                    body -> {
                      b.hits.incrementAndGet();
                      String path = req.path();
                      var resp = req.response().putHeader("x-backend", name);
                      int fail = b.failStatus.get();
                      if (fail != 0 && !path.startsWith("/health/")) {
                        resp.setStatusCode(fail).end("fault " + name);
                      } else if (!b.healthy.get()
                          && (path.equals("/health/ready") || path.equals("/"))) {
                        resp.setStatusCode(path.equals("/") ? 500 : 503).end(name);
                      } else if (path.startsWith("/echo")) {
                        JsonObject h = new JsonObject();
                        req.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
                        resp.putHeader("content-type", "application/json")
                            .putHeader("connection", "keep-alive, x-resp-hop")
                            .putHeader("x-resp-hop", "secret")
                            .end(
                                new JsonObject()
                                    .put("headers", h)
                                    .put("body", body.toString())
                                    .encode());
                      } else if (path.startsWith("/slow")) {
                        long ms = Long.parseLong(req.getParam("ms", "1000"));
                        vertx.setTimer(ms, t -> resp.end("slow " + name));
                      } else if (path.startsWith("/status/")) {
                        resp.setStatusCode(Integer.parseInt(path.substring(8))).end(name);
                      } else if (path.startsWith("/reset")) {
                        req.connection().close();
                      } else {
                        resp.end(name);
                      }
                    }));
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return b;
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
