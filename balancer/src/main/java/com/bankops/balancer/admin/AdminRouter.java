package com.bankops.balancer.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds the admin router from {@code openapi.yaml}: the library validates parameters and bodies
 * against the contract before any handler runs.
 *
 * <pre>
 * request ─► BodyHandler (64 KiB, else 413) ─► BearerAuthHandler (/admin/**, else 401)
 *         ─► route of the operation ─► contract validation (else 400/415) ─► module handler
 * any failure ─► AdminFailureHandler ─► {"error", "field", "message"}
 * GET /ui/** ─► the operator console's static files (no token: the page asks for it)
 * </pre>
 */
public final class AdminRouter {
  public static final String CONTRACT_RESOURCE = "/openapi.yaml";
  public static final int BODY_LIMIT_BYTES = 64 * 1024;
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private AdminRouter() {}

  /**
   * @param token the bearer token every protected request must carry (non-empty)
   * @param metrics scrapes the Prometheus registry for {@code GET /metrics}
   * @param modules operations beyond the core ones, each declared in openapi.yaml
   */
  public static Future<Router> create(
      Vertx vertx,
      String token,
      ControlPlane control,
      Supplier<String> metrics,
      List<AdminModule> modules) {
    BearerAuthHandler auth = new BearerAuthHandler(token);
    byte[] contractBytes = contractBytes();
    return OpenAPIContract.from(vertx, parse(contractBytes))
        .map(contract -> build(vertx, contract, contractBytes, auth, control, metrics, modules));
  }

  private static Router build(
      Vertx vertx,
      OpenAPIContract contract,
      byte[] contractBytes,
      BearerAuthHandler auth,
      ControlPlane control,
      Supplier<String> metrics,
      List<AdminModule> modules) {
    RouterBuilder builder =
        RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler())
            .rootHandler(
                BodyHandler.create(false)
                    .setBodyLimit(BODY_LIMIT_BYTES)
                    .setHandleFileUploads(false))
            .rootHandler(auth);
    AdminOperations ops = new AdminOperations(builder);
    List<AdminModule> all = new ArrayList<>();
    all.add(publicEndpoints(Buffer.buffer(contractBytes), control, metrics));
    all.add(new CoreAdminModule(control));
    all.add(new TargetDiscoveryModule(control));
    all.addAll(modules);
    for (AdminModule m : all) {
      m.register(ops);
    }
    List<String> unhandled = ops.unhandled();
    if (!unhandled.isEmpty()) {
      throw new IllegalStateException("openapi.yaml operations without a handler: " + unhandled);
    }
    Router router = builder.createRouter();
    ConsoleAssets.mount(router);
    AdminFailureHandler failures = new AdminFailureHandler();
    router.route().failureHandler(failures);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, failures);
    }
    return router;
  }

  /** The contract, liveness, readiness and metrics: unauthenticated. */
  private static AdminModule publicEndpoints(
      Buffer contract, ControlPlane control, Supplier<String> metrics) {
    return ops ->
        ops.on(
                "getOpenApi",
                rc ->
                    rc.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
                        .end(contract))
            .on("scrapeMetrics", rc -> plain(rc, metrics.get()))
            .on("getLive", rc -> health(rc, true, "live"))
            .on(
                "getReady",
                rc -> {
                  boolean ready = control.ready();
                  health(rc, ready, ready ? "ready" : "not_ready");
                });
  }

  private static void plain(RoutingContext rc, String text) {
    rc.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text);
  }

  private static void health(RoutingContext rc, boolean ok, String status) {
    AdminExchange.reply(rc, ok ? 200 : 503, new JsonObject().put("status", status));
  }

  static byte[] contractBytes() {
    try (InputStream in = AdminRouter.class.getResourceAsStream(CONTRACT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + CONTRACT_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject parse(byte[] yaml) {
    try {
      Map<String, Object> tree =
          new ObjectMapper(new YAMLFactory()).readValue(yaml, new TypeReference<>() {});
      return new JsonObject(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml is not valid YAML", e);
    }
  }
}
