package com.bankops.balancer.admin;

import com.bankops.balancer.config.AdminConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin API's HTTP server ({@code admin.host}:{@code admin.port}, default 127.0.0.1:9090).
 *
 * <pre>{@code
 * AdminConfig admin = config.admin().withToken(token);          // the token must be set
 * AdminServer.start(vertx, admin, controlPlane, registry::scrape)
 *     .onSuccess(s -> log.info("admin on {}", s.port()));
 * }</pre>
 */
public final class AdminServer {
  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  public static Future<AdminServer> start(
      Vertx vertx, AdminConfig config, ControlPlane control, Supplier<String> metrics) {
    return start(vertx, config, control, metrics, List.of());
  }

  /** Like {@link #start(Vertx, AdminConfig, ControlPlane, Supplier)} with more operations. */
  public static Future<AdminServer> start(
      Vertx vertx,
      AdminConfig config,
      ControlPlane control,
      Supplier<String> metrics,
      List<AdminModule> modules) {
    if (config.configuredToken().isEmpty()) {
      return Future.failedFuture(
          new IllegalArgumentException(
              "admin.token: empty (expected: generate one and pass config.withToken(token))"));
    }
    return AdminRouter.create(vertx, config.token(), control, metrics, modules)
        .compose(
            router ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                    .requestHandler(router)
                    .listen())
        .map(AdminServer::new);
  }

  /** The port actually bound (useful with {@code admin.port: 0}). */
  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
