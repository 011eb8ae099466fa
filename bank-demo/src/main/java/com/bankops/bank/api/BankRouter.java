package com.bankops.bank.api;

import com.bankops.bank.chaos.FaultInjectionHandler;
import com.bankops.bank.chaos.FaultPolicy;
import com.bankops.bank.store.BankStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The bank's HTTP surface. Handler order for business routes:
 *
 * <pre>
 * access log + version headers → body (≤ 16 KiB, else 413) → Content-Type (415)
 *   → fault injection (delay on a timer, maybe 500) → handler → store
 * </pre>
 *
 * Health and metrics skip the body limit and the fault injection.
 */
public final class BankRouter {
  public static final String JSON = "application/json";
  public static final int MAX_BODY_BYTES = 16 * 1024;

  private BankRouter() {}

  /** What the router needs from its server. */
  public record Settings(
      String version,
      String instance,
      FaultPolicy faults,
      BooleanSupplier draining,
      PrometheusMeterRegistry registry) {}

  public static Router create(Vertx vertx, BankStore store, Settings settings) {
    ErrorMapper errors = new ErrorMapper();
    BankMeters meters = new BankMeters(settings.registry());
    AccountHandlers accounts = new AccountHandlers(store, errors, meters);
    TransferHandler transfers = new TransferHandler(store, errors, meters);
    HealthHandlers health = new HealthHandlers(store, settings.draining());

    Router router = Router.router(vertx);
    router
        .route()
        .handler(new AccessLogHandler(settings.version(), settings.instance(), System::nanoTime));

    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(settings.registry()));

    Handler<RoutingContext> faults =
        settings.faults().isActive()
            ? new FaultInjectionHandler(settings.faults())
            : RoutingContext::next;
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);

    router
        .post("/accounts")
        .handler(body)
        .handler(JsonBodies::requireJson)
        .handler(faults)
        .handler(guard(errors, accounts::open));
    router.get("/accounts/:id").handler(faults).handler(guard(errors, accounts::get));
    router
        .post("/accounts/:id/deposits")
        .handler(body)
        .handler(JsonBodies::requireJson)
        .handler(faults)
        .handler(guard(errors, accounts::deposit));
    router
        .get("/accounts/:id/transactions")
        .handler(faults)
        .handler(guard(errors, accounts::history));
    router
        .post("/transfers")
        .handler(body)
        .handler(JsonBodies::requireJson)
        .handler(faults)
        .handler(guard(errors, transfers::transfer));

    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, errors::handle);
    }
    return router;
  }

  /** Validation throws; this turns the throw into the mapped answer instead of a bare 500. */
  private static Handler<RoutingContext> guard(
      ErrorMapper errors, Consumer<RoutingContext> handler) {
    return ctx -> {
      try {
        handler.accept(ctx);
      } catch (RuntimeException e) {
        errors.send(ctx, e);
      }
    };
  }
}
