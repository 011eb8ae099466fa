package com.bankops.balancer.app;

import com.bankops.autoscaler.runtime.BankJvm;
import com.bankops.autoscaler.runtime.ContainerRuntime;
import com.bankops.autoscaler.runtime.DockerRuntimeConfig;
import com.bankops.autoscaler.runtime.Instance;
import com.bankops.autoscaler.runtime.InstanceSpec;
import com.bankops.autoscaler.runtime.ProcessRuntimeConfig;
import com.bankops.autoscaler.runtime.kubernetes.KubernetesRuntime;
import com.bankops.balancer.admin.AdminModule;
import com.bankops.balancer.admin.AdminServer;
import com.bankops.balancer.config.AdminConfig;
import com.bankops.balancer.config.ApplianceConfig;
import com.bankops.balancer.config.ConfigException;
import com.bankops.balancer.console.ConsoleFeed;
import com.bankops.balancer.console.ConsoleModule;
import com.bankops.balancer.console.EjectionCounter;
import com.bankops.balancer.console.RolloutSource;
import com.bankops.balancer.pool.Backend;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.rollout.RolloutAdminModule;
import com.bankops.balancer.rollout.RolloutController;
import com.bankops.balancer.rollout.RolloutSettings;
import com.bankops.balancer.rollout.RolloutStore;
import com.bankops.balancer.scaling.Autoscaling;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appliance's entry point.
 *
 * <ul>
 *   <li>{@code demo}: embedded PostgreSQL, two stable bank instances as local processes, the
 *       balancer on :8080 and the admin API on 127.0.0.1:9090. Ctrl-C stops everything.
 *   <li>{@code run}: the balancer with the backends of the configuration.
 * </ul>
 */
public final class ApplianceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ApplianceMain.class);
  private static final int CONSOLE_DECISIONS = 10;

  private ApplianceMain() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      // Netty's default samples buffers for leaks and tags every message written (about 2% of a
      // proxied request); the tests keep it on, production runs without unless asked for
      io.netty.util.ResourceLeakDetector.setLevel(
          io.netty.util.ResourceLeakDetector.Level.DISABLED);
    }
    String mode = args.length == 0 ? "run" : args[0];
    if (!mode.equals("demo") && !mode.equals("run")) {
      System.err.println("usage: appliance [demo|run]");
      System.exit(2);
    }
    ApplianceConfig config;
    try {
      config = ApplianceConfig.load(System.getenv());
    } catch (ConfigException e) {
      System.err.println("configuration error:\n" + e.getMessage());
      System.exit(2);
      return;
    }
    Path dataDir = Path.of(config.demo().dataDir()).toAbsolutePath();
    String token = adminToken(config, dataDir);
    config = config.withAdmin(new AdminConfig(config.admin().host(), config.admin().port(), token));

    List<AutoCloseable> toClose = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeAll(toClose);
                  stopped.countDown();
                },
                "bankops-shutdown"));

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = vertx(registry);
    toClose.add(0, () -> vertx.close().await(10, TimeUnit.SECONDS));

    List<Backend> initial = new ArrayList<>();
    ContainerRuntime runtime = null;
    InstanceSpec stableSpec = null;
    if (mode.equals("demo")) {
      progress("starting the embedded PostgreSQL (data in " + dataDir.resolve("pgdata") + ")");
      DemoDatabase db = DemoDatabase.start(dataDir.resolve("pgdata"));
      toClose.add(0, db);
      runtime =
          switch (config.runtime().kind()) {
            case DOCKER -> dockerRuntime(config);
            case KUBERNETES ->
                KubernetesRuntime.create(config.runtime().kubernetes().toRuntimeConfig());
            case PROCESS -> processRuntime(config, dataDir);
          };
      toClose.add(0, runtime);
      stableSpec = InstanceSpec.of("stable", "1.0.0").withEnv(instanceEnv(db.url()));
      stopLeftovers(runtime);
      progress(
          "starting "
              + config.demo().stableInstances()
              + " bank instances ("
              + runtime.kind()
              + " runtime)");
      List<CompletableFuture<Instance>> starting = new ArrayList<>();
      for (int i = 0; i < config.demo().stableInstances(); i++) {
        starting.add(runtime.start(stableSpec));
      }
      for (CompletableFuture<Instance> f : starting) {
        Instance in = f.get(90, TimeUnit.SECONDS);
        progress("  bank instance " + in.id() + " ready on " + in.authority());
        initial.add(new Backend(in.id(), PoolName.STABLE, in.host(), in.port(), in.version()));
      }
    }

    Appliance appliance =
        Appliance.start(vertx, config, registry, System::nanoTime).await(30, TimeUnit.SECONDS);
    toClose.add(0, () -> appliance.stop().await(10, TimeUnit.SECONDS));
    initial.forEach(b -> appliance.membership().add(b));
    AdminModule scalingAdmin = Autoscaling.unavailableAdminModule();
    AdminModule rolloutAdmin = RolloutAdminModule.unavailable();
    Supplier<JsonObject> scalingView = Autoscaling::unavailableView;
    if (runtime != null) {
      Autoscaling scaling =
          Autoscaling.start(
              vertx,
              appliance,
              registry,
              runtime,
              config.autoscaler(),
              stableSpec,
              System::nanoTime,
              Clock.systemUTC());
      toClose.add(0, scaling);
      scalingAdmin = scaling.adminModule();
      // rollout events go to the configured webhooks and e-mail (NONE when notifications are off)
      RolloutController rollouts =
          RolloutController.start(
              appliance,
              runtime,
              new RolloutStore(dataDir.resolve("rollouts.json")),
              appliance.notifications(),
              registry,
              Clock.systemUTC(),
              System::nanoTime,
              RolloutSettings.of(stableSpec.env())
                  .withTimings(
                      Duration.ofSeconds(1),
                      Duration.ofMillis(config.drain().deadlineMs()),
                      Duration.ofMillis(config.autoscaler().stopGraceMs())),
              scaling.stablePool(stableSpec.pool()));
      toClose.add(0, rollouts);
      rolloutAdmin = new RolloutAdminModule(rollouts);
      scalingView = () -> scaling.view(CONSOLE_DECISIONS);
      progress(
          "autoscaler "
              + (config.autoscaler().enabled() ? "on" : "off (enable: PUT /admin/autoscaler)")
              + ": stable pool "
              + config.autoscaler().minReplicas()
              + ".."
              + config.autoscaler().maxReplicas()
              + " instances, target "
              + config.autoscaler().targetConcurrency()
              + " in flight each");
    }
    AtomicInteger adminPort = new AtomicInteger(config.admin().port());
    ConsoleModule console = console(vertx, config, appliance, scalingView, adminPort::get);
    AdminServer admin =
        AdminServer.start(
                vertx,
                config.admin(),
                appliance,
                registry::scrape,
                List.of(scalingAdmin, rolloutAdmin, console))
            .await(30, TimeUnit.SECONDS);
    adminPort.set(admin.port()); // the port actually bound (admin.port may be 0)
    toClose.add(0, () -> admin.close().await(10, TimeUnit.SECONDS));

    System.out.printf(
        "%n  bankops appliance is up%n"
            + "    bank API (balanced):  http://%s:%d/accounts%n"
            + "    admin API:            http://%s:%d/admin/status%n"
            + "    metrics:              http://%s:%d/metrics%n"
            + "    operator console:     http://%s:%d/ui/  (asks for the admin token)%n"
            + "    admin token:          %s  (also in %s)%n"
            + "  try: ./bankops status | ./bankops canary 10 | ./bankops stats"
            + " | ./bankops autoscaler%n"
            + "       ./bankops rollout start 1.1.0 | ./bankops rollout status%n"
            + "  Ctrl-C stops everything.%n%n",
        config.http().host(),
        config.http().port(),
        config.admin().host(),
        config.admin().port(),
        config.admin().host(),
        config.admin().port(),
        config.admin().host(),
        config.admin().port(),
        token,
        dataDir.resolve("admin-token"));
    stopped.await();
  }

  /**
   * The console's live feed. It reads the current rollout through the admin API's own contract
   * ({@code GET /admin/rollouts/current} on loopback), so it shows rollouts from whichever module
   * serves them, and "no rollout" while that answers 404.
   */
  private static ConsoleModule console(
      Vertx vertx,
      ApplianceConfig config,
      Appliance appliance,
      Supplier<JsonObject> scaling,
      IntSupplier adminPort) {
    EjectionCounter ejections = new EjectionCounter();
    appliance.membership().addListener(ejections);
    String host = config.admin().host();
    String loopback = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    RolloutSource rollouts =
        RolloutSource.overAdminApi(vertx, loopback, adminPort, config.admin().token());
    return new ConsoleModule(
        new ConsoleFeed(
            vertx, appliance, scaling, rollouts, ejections::ejections, Clock.systemUTC()));
  }

  private static Vertx vertx(PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            // per-request HTTP metrics are recorded by the proxy itself, with pool labels.
            // Categories are "http.server" etc. (MetricsDomain.toCategory()), not the enum names:
            // Set.of("HTTP_SERVER", ...) disabled nothing and cost ~25% CPU per proxied request
            // (a meter lookup with fresh tags per request and per attempt).
            .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
            .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    return Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  private static ContainerRuntime processRuntime(ApplianceConfig config, Path dataDir) {
    Path jar =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "BANKOPS_BANK_JAR", "bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "BANKOPS_BANK_JAR: "
              + jar.toAbsolutePath()
              + " (expected: the bank-demo jar; run ./bankops build)");
    }
    Path java = ProcessRuntimeConfig.currentJavaBinary();
    // an AppCDS archive of the bank's classes (seconds, once per build of the jar): scale-out
    // instances then start faster; without it they start as before
    progress(
        "bank class-data archive: "
            + BankJvm.ensureArchive(java, jar, Duration.ofSeconds(60))
                .map(Path::toString)
                .orElse("none (training failed)"));
    ProcessRuntimeConfig rc =
        ProcessRuntimeConfig.forCommand(BankJvm.command(java, jar), dataDir.resolve("logs"))
            .withPorts(config.demo().bankBasePort(), 100)
            .withReadyTimeout(Duration.ofSeconds(90));
    return ContainerRuntime.process(rc);
  }

  /**
   * The database URL, and the bank's fault injection settings when set for the demo (child
   * processes inherit them anyway; containers get only what is passed).
   */
  private static Map<String, String> instanceEnv(String dbUrl) {
    Map<String, String> env = new java.util.HashMap<>();
    for (String name : List.of("BANK_FAULT_LATENCY_MS", "BANK_FAULT_ERROR_RATE")) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("BANK_DB_URL", dbUrl);
    return Map.copyOf(env);
  }

  /**
   * Containers of the bank image ({@code BANKOPS_BANK_IMAGE}, default {@value
   * DockerRuntimeConfig#DEFAULT_IMAGE}; {@code ./bankops demo} builds it when missing) on the host
   * network. The demo stops them on exit (Ctrl-C), like its processes.
   */
  private static ContainerRuntime dockerRuntime(ApplianceConfig config) {
    Map<String, String> env = System.getenv();
    DockerRuntimeConfig rc =
        DockerRuntimeConfig.of(
                env.getOrDefault("BANKOPS_BANK_IMAGE", DockerRuntimeConfig.DEFAULT_IMAGE),
                env.getOrDefault("BANKOPS_APPLIANCE_ID", DockerRuntimeConfig.DEFAULT_APPLIANCE_ID))
            .withPorts(config.demo().bankBasePort(), 100)
            .withEnv(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC -Xmx256m"))
            .withReadyTimeout(Duration.ofSeconds(90));
    progress("docker runtime: image " + rc.image() + ", appliance id " + rc.applianceId());
    return ContainerRuntime.docker(rc);
  }

  /**
   * The demo's database listens on a new port each run, so instances an earlier, crashed demo left
   * running (the docker runtime adopts them) point at a database that is gone: stop them.
   */
  private static void stopLeftovers(ContainerRuntime runtime) throws Exception {
    List<Instance> left = runtime.list();
    if (left.isEmpty()) {
      return;
    }
    progress("stopping " + left.size() + " instance(s) left by an earlier demo (old database)");
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    left.forEach(i -> stops.add(runtime.stop(i.id(), Duration.ofSeconds(5))));
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  /** BANKOPS_ADMIN_TOKEN, else a new random token written to DIR/admin-token (mode 600). */
  private static String adminToken(ApplianceConfig config, Path dataDir) throws Exception {
    String configured = config.admin().token();
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    String token = HexFormat.of().formatHex(b);
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve("admin-token");
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, token);
    return token;
  }

  private static void progress(String line) {
    System.out.println("[bankops] " + line);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("shutdown step failed: {}", e.toString());
      }
    }
  }
}
