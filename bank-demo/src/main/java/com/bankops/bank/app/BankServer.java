package com.bankops.bank.app;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.bankops.bank.api.BankRouter;
import com.bankops.bank.chaos.FaultPolicy;
import com.bankops.bank.store.BankStore;
import com.bankops.bank.store.SchemaMigrator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bank instance on a caller's {@link Vertx}: migrates the schema, opens the pool, listens.
 * Holds no bank state; any number of instances may share one database.
 *
 * <pre>
 * start:  pool → schema version query → (not current: Flyway on a worker thread) → listen → ready
 * close:  ready=503 → stop accepting, finish in-flight requests (≤ drain timeout) → close pool
 * </pre>
 */
public final class BankServer {
  /** How long {@link #close()} waits for in-flight requests. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(BankServer.class);

  private final BankConfig config;
  private final HttpServer http;
  private final BankStore store;
  private final String instanceId;
  private final PrometheusMeterRegistry registry;
  private Future<Void> closing;
  private volatile boolean draining;
  private Runnable stopSweeping = () -> {};
  private volatile boolean flywaySkipped;

  /** {@link #start}'s count of migrations applied when it found the schema current. */
  private static final int SKIPPED = -1;

  /**
   * How long an Idempotency-Key is remembered: a client retrying within a day gets the first answer
   * (the convention of payment APIs); after that the key may be reused. Every instance sweeps; the
   * DELETE is idempotent, so concurrent sweeps are harmless.
   */
  public static final Duration IDEMPOTENCY_RETENTION = Duration.ofHours(24);

  static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);

  private BankServer(
      BankConfig config,
      HttpServer http,
      BankStore store,
      String instanceId,
      PrometheusMeterRegistry registry) {
    this.config = config;
    this.http = http;
    this.store = store;
    this.instanceId = instanceId;
    this.registry = registry;
  }

  /**
   * Starts an instance. Its {@code /metrics} serves the registry {@code vertx} reports into when
   * {@link BankTelemetry#newVertx} built it (so Vert.x HTTP server metrics are included), else a
   * registry of its own with the bank's counters only.
   */
  public static Future<BankServer> start(Vertx vertx, BankConfig config) {
    return start(
        vertx, config, BankTelemetry.registryOf(vertx).orElseGet(BankTelemetry::newRegistry));
  }

  /**
   * Starts an instance whose {@code /metrics} serves {@code registry}. Pass the registry that
   * {@link BankTelemetry#newVertx} was built with to include Vert.x's HTTP server metrics.
   */
  public static Future<BankServer> start(
      Vertx vertx, BankConfig config, PrometheusMeterRegistry registry) {
    long t0 = System.nanoTime();
    BankStore store = BankStore.postgres(vertx, config.db(), config.dbPoolSize());
    // one query on the pool first: when the schema is current (every scale-out instance) Flyway is
    // never loaded, and the connection it opened serves the first readiness probe
    return store
        .appliedSchemaVersion()
        // e.g. the database not accepting connections yet: Flyway retries and reports it
        .otherwise(err -> Optional.empty())
        .compose(
            applied -> {
              if (SchemaMigrator.isCurrent(applied)) {
                LOG.info(
                    "schema current, migration skipped",
                    kv("event", "schema_current"),
                    kv("version", SchemaMigrator.LATEST_VERSION),
                    kv("ms", (System.nanoTime() - t0) / 1_000_000));
                return Future.succeededFuture(SKIPPED);
              }
              return vertx.executeBlocking(() -> SchemaMigrator.migrate(config.db()), false);
            })
        .compose(
            applied -> {
              if (applied > 0) {
                LOG.info(
                    "schema migrated",
                    kv("event", "migrated"),
                    kv("applied", applied),
                    kv("ms", (System.nanoTime() - t0) / 1_000_000));
              }
              return listen(vertx, config, store, registry)
                  .map(
                      server -> {
                        server.flywaySkipped = applied == SKIPPED;
                        return server;
                      });
            })
        .onFailure(err -> store.close());
  }

  /** The listening half of {@link #start}, without the schema step: for {@link CdsTraining}. */
  static Future<BankServer> listenForTraining(
      Vertx vertx, BankConfig config, BankStore store, PrometheusMeterRegistry registry) {
    return listen(vertx, config, store, registry);
  }

  private static Future<BankServer> listen(
      Vertx vertx, BankConfig config, BankStore store, PrometheusMeterRegistry registry) {
    AtomicReference<Router> router = new AtomicReference<>();
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setMaxHeaderSize(8 * 1024)
            .setIdleTimeout(60)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    HttpServer http =
        vertx
            .createHttpServer(options)
            .requestHandler(
                request -> {
                  Router r = router.get();
                  if (r == null) {
                    request.response().setStatusCode(503).end();
                  } else {
                    r.handle(request);
                  }
                });
    return http.listen()
        .map(
            bound -> {
              String instanceId =
                  config.instanceId().isEmpty()
                      ? "bank-" + bound.actualPort()
                      : config.instanceId();
              BankServer server = new BankServer(config, bound, store, instanceId, registry);
              long sweeper =
                  vertx.setPeriodic(
                      SWEEP_INTERVAL.toMillis(),
                      id ->
                          store
                              .expireIdempotencyKeys(IDEMPOTENCY_RETENTION)
                              .onSuccess(
                                  n ->
                                      LOG.info(
                                          "idempotency keys expired",
                                          kv("event", "idempotency_keys_expired"),
                                          kv("count", n))));
              server.stopSweeping = () -> vertx.cancelTimer(sweeper);
              FaultPolicy faults =
                  new FaultPolicy(
                      config.faultErrorRate(),
                      config.faultLatencyMs(),
                      () -> ThreadLocalRandom.current().nextDouble());
              router.set(
                  BankRouter.create(
                      vertx,
                      store,
                      new BankRouter.Settings(
                          config.version(), instanceId, faults, server::draining, registry)));
              LOG.info(
                  "bank listening",
                  kv("event", "listening"),
                  kv("host", config.host()),
                  kv("port", bound.actualPort()),
                  kv("instance", instanceId),
                  kv("version", config.version()),
                  kv("db", config.db().toString()));
              return server;
            });
  }

  /** The bound port (the real one when the config asked for 0). */
  public int port() {
    return http.actualPort();
  }

  /** True when this instance found the schema current and did not run Flyway at all. */
  public boolean flywaySkipped() {
    return flywaySkipped;
  }

  public String instanceId() {
    return instanceId;
  }

  public BankConfig config() {
    return config;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** True from the moment {@link #close()} is called; {@code /health/ready} answers 503. */
  public boolean draining() {
    return draining;
  }

  /** Graceful stop within {@link #DEFAULT_DRAIN_TIMEOUT}. Safe to call more than once. */
  public Future<Void> close() {
    return close(DEFAULT_DRAIN_TIMEOUT);
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (up to {@code drainTimeout}, then
   * closes what is left), and closes the database pool.
   */
  public synchronized Future<Void> close(Duration drainTimeout) {
    if (closing != null) {
      return closing;
    }
    draining = true;
    stopSweeping.run();
    LOG.info("bank draining", kv("event", "draining"), kv("instance", instanceId));
    Future<Void> done =
        http.shutdown(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .eventually(store::close)
            .onComplete(
                ar ->
                    LOG.info(
                        "bank stopped",
                        kv("event", "stopped"),
                        kv("instance", instanceId),
                        kv("clean", ar.succeeded())));
    closing = done;
    return done;
  }
}
