package com.bankops.bank.app;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A small HTTP client for the bank on 127.0.0.1, blocking or async. */
final class TestHttp implements AutoCloseable {
  /** One answer: status, raw body and headers. */
  record Res(int status, String body, MultiMap headers) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final WebClient client;
  private final int port;

  TestHttp(Vertx vertx, int port, int connections) {
    this.port = port;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port)
                .setKeepAlive(true)
                .setConnectTimeout(5_000),
            new PoolOptions().setHttp1MaxSize(connections));
  }

  Future<Res> send(
      HttpMethod method,
      String path,
      String body,
      String contentType,
      Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", path).timeout(30_000);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    headers.forEach(request::putHeader);
    Future<io.vertx.ext.web.client.HttpResponse<Buffer>> sent =
        body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
    return sent.map(
        r ->
            new Res(r.statusCode(), r.bodyAsString() == null ? "" : r.bodyAsString(), r.headers()));
  }

  Future<Res> postJson(String path, JsonObject body, Map<String, String> headers) {
    return send(HttpMethod.POST, path, body.encode(), "application/json", headers);
  }

  Res post(String path, JsonObject body) {
    return await(postJson(path, body, Map.of()));
  }

  Res post(String path, JsonObject body, Map<String, String> headers) {
    return await(postJson(path, body, headers));
  }

  Res get(String path) {
    return await(send(HttpMethod.GET, path, null, null, Map.of()));
  }

  /** Opens an account and returns its id. */
  String openAccount(String owner, long balance) {
    Res res =
        post("/accounts", new JsonObject().put("owner", owner).put("initialBalance", balance));
    if (res.status() != 201) {
      throw new IllegalStateException("open account: " + res);
    }
    return res.json().getString("id");
  }

  long balance(String id) {
    Res res = get("/accounts/" + id);
    if (res.status() != 200) {
      throw new IllegalStateException("balance: " + res);
    }
    return res.json().getLong("balance");
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
