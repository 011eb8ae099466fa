package com.bankops.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.balancer.config.AdminConfig;
import com.bankops.balancer.console.ConsoleFeed;
import com.bankops.balancer.console.ConsoleModule;
import com.bankops.balancer.console.RolloutSource;
import com.bankops.balancer.scaling.Autoscaling;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's live stream and static page over real sockets: the admin server on an ephemeral
 * port with a fake control plane, and the rollout read through a real HTTP server that stands in
 * for the rollout operations.
 */
class ConsoleStreamIT {
  static final String TOKEN = "console-token-0123456789abcdef";
  static final JsonObject ROLLOUT =
      new JsonObject()
          .put("version", "1.1.0")
          .put("state", "running")
          .put("canaryPercent", 5)
          .put("timeline", new io.vertx.core.json.JsonArray().add("started"));

  static Vertx vertx;
  static AdminServer server;
  static HttpServer rollouts;
  static HttpClient client;
  static final List<String> rolloutAuthorizations = new CopyOnWriteArrayList<>();
  static volatile int rolloutStatus = 404;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    rollouts =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  rolloutAuthorizations.add(String.valueOf(req.getHeader("Authorization")));
                  boolean known = req.path().equals("/admin/rollouts/current");
                  int status = known ? rolloutStatus : 404;
                  req.response()
                      .setStatusCode(status)
                      .putHeader("Content-Type", "application/json")
                      .end(
                          status == 200
                              ? ROLLOUT.encode()
                              : "{\"error\":\"not_found\",\"field\":\"path\",\"message\":\"none\"}");
                })
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    RolloutSource source =
        RolloutSource.overAdminApi(vertx, "127.0.0.1", rollouts::actualPort, TOKEN);
    ConsoleFeed feed =
        new ConsoleFeed(
            vertx,
            new FakeControlPlane(),
            Autoscaling::unavailableView,
            source,
            id -> 3,
            Clock.systemUTC());
    server =
        AdminServer.start(
                vertx,
                new AdminConfig("127.0.0.1", 0, TOKEN),
                new FakeControlPlane(),
                () -> "",
                List.of(Autoscaling.unavailableAdminModule(), new ConsoleModule(feed)))
            .await(60, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close().await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  static RequestOptions get(String path, String authorization) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(server.port())
            .setURI(path);
    if (authorization != null) {
      o.putHeader("Authorization", authorization);
    }
    return o;
  }

  record Reply(int status, io.vertx.core.MultiMap headers, Buffer body) {}

  /** A whole response: the body is read in the same chain, before the response can end unread. */
  static Reply fetch(String path, String authorization) throws Exception {
    return client
        .request(get(path, authorization))
        .compose(
            req ->
                req.send()
                    .compose(
                        resp ->
                            resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b))))
        .await(10, TimeUnit.SECONDS);
  }

  /** Reads the stream until {@code n} frames arrived, then closes the connection. */
  static List<JsonObject> frames(int n) throws Exception {
    CompletableFuture<List<JsonObject>> done = new CompletableFuture<>();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    StringBuilder text = new StringBuilder();
    HttpClientResponse resp =
        client
            .request(get("/admin/console/stream", "Bearer " + TOKEN))
            .compose(r -> r.send())
            .await(10, TimeUnit.SECONDS);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.getHeader("Content-Type")).startsWith("text/event-stream");
    resp.handler(
        chunk -> {
          text.append(chunk.toString());
          int end;
          while ((end = text.indexOf("\n\n")) >= 0) {
            String message = text.substring(0, end);
            text.delete(0, end + 2);
            if (message.startsWith("data: ")) {
              frames.add(new JsonObject(message.substring(6)));
            }
          }
          if (frames.size() >= n && !done.isDone()) {
            done.complete(List.copyOf(frames));
            resp.request().connection().close();
          }
        });
    return done.get(15, TimeUnit.SECONDS);
  }

  @Test
  void streamRefusesAMissingOrWrongToken() throws Exception {
    for (String auth : new String[] {null, "Bearer wrong-token-000000000000"}) {
      Reply r = fetch("/admin/console/stream", auth);
      JsonObject body = new JsonObject(r.body());
      assertThat(r.status()).isEqualTo(401);
      assertThat(body.getString("field")).isEqualTo("Authorization");
    }
  }

  @Test
  void sendsAFramePerSecondWithEveryView() throws Exception {
    rolloutStatus = 404;
    long t0 = System.nanoTime();
    List<JsonObject> f = frames(3);
    double seconds = (System.nanoTime() - t0) / 1e9;

    // the first frame at once, then one a second
    assertThat(seconds).isBetween(1.5, 10.0);
    assertThat(f.get(1).getLong("atMillis") - f.get(0).getLong("atMillis")).isBetween(700L, 1600L);
    JsonObject frame = f.get(2);
    assertThat(frame.getJsonObject("status").getDouble("canaryPercent")).isNotNull();
    assertThat(frame.getJsonObject("stats").getJsonObject("pools").containsKey("stable")).isTrue();
    assertThat(frame.getJsonObject("autoscaler").getBoolean("available")).isFalse();
    assertThat(frame.containsKey("rollout")).isTrue();
    assertThat(frame.getValue("rollout")).as("404 from the rollout API means none").isNull();
    assertThat(rolloutAuthorizations).isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);
  }

  @Test
  void carriesTheCurrentRolloutWhenThereIsOne() throws Exception {
    rolloutStatus = 200;
    try {
      JsonObject frame = frames(2).get(1);
      assertThat(frame.getJsonObject("rollout")).isEqualTo(ROLLOUT);
    } finally {
      rolloutStatus = 404;
    }
  }

  @Test
  void rolloutSourceSaysWhyWhenTheApiFails() throws Exception {
    rolloutStatus = 500;
    try {
      JsonObject rollout = frames(2).get(1).getJsonObject("rollout");
      assertThat(rollout.getString("error")).contains("500");
    } finally {
      rolloutStatus = 404;
    }
  }

  @Test
  void noRolloutSourceIsEmpty() throws Exception {
    assertThat(RolloutSource.none().current().await(1, TimeUnit.SECONDS))
        .isEqualTo(Optional.empty());
  }

  @Test
  void servesThePageWithoutTokenAndWithAStrictPolicy() throws Exception {
    Reply page = fetch("/ui/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().get("Content-Type")).startsWith("text/html");
    assertThat(page.headers().get("Content-Security-Policy")).contains("default-src 'none'");
    assertThat(page.body().toString()).contains("id=\"token\"").contains("console.js");

    Reply bare = fetch("/ui", null);
    assertThat(bare.status()).isEqualTo(302);
    assertThat(bare.headers().get("Location")).isEqualTo("/ui/");

    Reply js = fetch("/ui/console.js", null);
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.body().length()).isGreaterThan(10_000);
  }
}
