package com.bankops.balancer.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Where the console's frames take the current rollout from: empty when there is none (or no rollout
 * API at all), so the page shows "no rollout".
 */
@FunctionalInterface
public interface RolloutSource {
  long TIMEOUT_MS = 800;

  /** The body of {@code GET /admin/rollouts/current}, or empty when it answers 404. */
  Future<Optional<JsonObject>> current();

  /** An appliance without rollouts. */
  static RolloutSource none() {
    return () -> Future.succeededFuture(Optional.empty());
  }

  /**
   * Reads the rollout through the appliance's own admin API on the loopback interface, so the
   * console follows the published contract whatever module implements it (and shows "no rollout"
   * while the operations answer 404). The token never leaves the process.
   *
   * @param port the admin port actually bound (read at each call: known only after listen)
   */
  static RolloutSource overAdminApi(Vertx vertx, String host, IntSupplier port, String token) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS).setKeepAlive(true));
    String authorization = "Bearer " + token;
    return () ->
        client
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost(host)
                    .setPort(port.getAsInt())
                    .setURI("/admin/rollouts/current")
                    .setIdleTimeout(TIMEOUT_MS)
                    .putHeader(HttpHeaders.AUTHORIZATION, authorization))
            .compose(req -> req.send())
            .compose(
                resp ->
                    resp.body()
                        .compose(
                            body -> {
                              if (resp.statusCode() == 404) {
                                return Future.succeededFuture(Optional.empty());
                              }
                              if (resp.statusCode() != 200) {
                                return Future.failedFuture(
                                    "GET /admin/rollouts/current answered " + resp.statusCode());
                              }
                              return Future.succeededFuture(Optional.of(new JsonObject(body)));
                            }));
  }
}
