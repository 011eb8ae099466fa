package com.bankops.bank.app;

import com.bankops.bank.store.BankStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -XX:ArchiveClassesAtExit=bank.jsa -jar bank.jar --cds-training}: runs the start-up
 * path without a database (no database exists where the image is built) and exits, so the JVM
 * archives the classes a real start loads; instances launched with {@code
 * -XX:SharedArchiveFile=bank.jsa} then map them instead of loading and verifying them from the jar.
 *
 * <p>What it touches: telemetry, the pg pool and a failed connect (the database address is a closed
 * port), the router behind a listening HTTP server, and one request to each kind of route.
 */
final class CdsTraining {
  private CdsTraining() {}

  static void run() throws Exception {
    PrometheusMeterRegistry registry = BankTelemetry.newRegistry();
    Vertx vertx = BankTelemetry.newVertx(registry);
    try {
      // port 1 on loopback: nothing listens, the connect fails fast
      BankConfig config = BankConfig.forDatabase("postgresql://cds:cds@127.0.0.1:1/cds");
      BankStore store = BankStore.postgres(vertx, config.db(), 1);
      await(store.appliedSchemaVersion().otherwiseEmpty());
      BankServer server = await(BankServer.listenForTraining(vertx, config, store, registry));
      HttpClient client = vertx.createHttpClient();
      for (String path : List.of("/health/live", "/health/ready", "/metrics", "/accounts/x")) {
        await(
            client
                .request(HttpMethod.GET, server.port(), "127.0.0.1", path)
                .compose(req -> req.send().compose(resp -> resp.body())));
      }
      await(
          client
              .request(HttpMethod.POST, server.port(), "127.0.0.1", "/accounts")
              .compose(
                  req ->
                      req.putHeader("Content-Type", "application/json")
                          .send("{\"owner\":\"cds\",\"currency\":\"EUR\",\"initialBalance\":1}")
                          .compose(resp -> resp.body())));
      await(client.close());
      await(server.close());
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
