package com.bankops.bank.app;

import static net.logstash.logback.argument.StructuredArguments.kv;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bank process: configuration from the environment, one {@link BankServer}, graceful stop on
 * SIGTERM.
 *
 * <p>On SIGTERM the JVM runs the shutdown hook, which drains the server (in-flight requests finish,
 * up to 10 s), closes the pool and Vert.x, flushes the logs and halts with status 0. Halting is
 * deliberate: a JVM ended by a signal otherwise exits 143, and supervisors read that as a crash.
 * Exit 2 means bad configuration, 1 a failed start.
 */
public final class BankMain {
  private static final Logger LOG = LoggerFactory.getLogger(BankMain.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private BankMain() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--cds-training")) {
      train();
      return;
    }
    BankConfig config;
    try {
      config = BankConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage(), kv("event", "config_invalid"));
      System.err.println("bank: invalid configuration: " + e.getMessage());
      flushLogs();
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = BankTelemetry.newRegistry();
    Vertx vertx = BankTelemetry.newVertx(registry);
    AtomicReference<BankServer> running = new AtomicReference<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(running.get(), vertx), "bank-shutdown"));
    try {
      BankServer server =
          BankServer.start(vertx, config, registry)
              .toCompletionStage()
              .toCompletableFuture()
              .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      running.set(server);
      // how long a new instance takes to serve, for docs/benchmarks.md "Surge reaction"
      long uptime =
          ProcessHandle.current()
              .info()
              .startInstant()
              .map(s -> java.time.Duration.between(s, java.time.Instant.now()).toMillis())
              .orElse(-1L);
      LOG.info(
          "bank started",
          kv("event", "started"),
          kv("since_launch_ms", uptime),
          kv("flyway_skipped", server.flywaySkipped()));
    } catch (Exception e) {
      LOG.error("bank failed to start", kv("event", "start_failed"), e);
      vertx.close();
      flushLogs();
      Runtime.getRuntime().halt(1);
    }
  }

  /** See {@link CdsTraining}; exits 0 after the run, 1 when it failed. */
  private static void train() {
    int status = 0;
    try {
      CdsTraining.run();
    } catch (Exception e) {
      LOG.error("cds training failed", kv("event", "cds_training_failed"), e);
      status = 1;
    }
    flushLogs();
    // exit, not halt: the JVM writes -XX:ArchiveClassesAtExit's archive on its way out
    System.exit(status);
  }

  private static void stop(BankServer server, Vertx vertx) {
    boolean clean = true;
    try {
      if (server != null) {
        server
            .close()
            .toCompletionStage()
            .toCompletableFuture()
            .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      clean = false;
      LOG.warn("drain did not finish cleanly", kv("event", "drain_failed"), e);
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      clean = false;
      LOG.warn("vert.x did not close cleanly", kv("event", "vertx_close_failed"), e);
    }
    LOG.info("bank exited", kv("event", "exit"), kv("clean", clean));
    flushLogs();
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }

  private static void flushLogs() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof LoggerContext) {
      ((LoggerContext) factory).stop();
    }
  }
}
