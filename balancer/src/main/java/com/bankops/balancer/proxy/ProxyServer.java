package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.routing.Picker;
import com.bankops.balancer.routing.RetryBudget;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Deploys the data plane: one verticle per event loop, each with its own HTTP server handle (Vert.x
 * spreads connections over them), its own upstream client and connection pool, picker and random
 * generator, so nothing on the request path is shared between threads but the membership snapshot,
 * the load trackers and the retry budget.
 */
public final class ProxyServer {
  private ProxyServer() {}

  /** Returns the deployment id; undeploy it to stop the data plane. */
  public static Future<String> deploy(
      Vertx vertx,
      ProxySettings settings,
      Membership membership,
      Function<RandomGenerator, Picker> pickers,
      RetryBudget retryBudget,
      ProxyObserver observer,
      LongSupplier nanoClock,
      int instances,
      long seed) {
    SplittableRandom seeds = new SplittableRandom(seed);
    return vertx.deployVerticle(
        () ->
            new ProxyVerticle(
                settings,
                membership,
                pickers,
                retryBudget,
                observer,
                nanoClock,
                instances,
                seeds.split()),
        new DeploymentOptions().setInstances(instances));
  }

  private static final class ProxyVerticle extends VerticleBase {
    private final ProxySettings settings;
    private final Membership membership;
    private final Function<RandomGenerator, Picker> pickers;
    private final RetryBudget retryBudget;
    private final ProxyObserver observer;
    private final LongSupplier nanoClock;
    private final int instances;
    private final RandomGenerator random;
    private HttpClient client;
    private HttpServer server;

    ProxyVerticle(
        ProxySettings settings,
        Membership membership,
        Function<RandomGenerator, Picker> pickers,
        RetryBudget retryBudget,
        ProxyObserver observer,
        LongSupplier nanoClock,
        int instances,
        RandomGenerator random) {
      this.settings = settings;
      this.membership = membership;
      this.pickers = pickers;
      this.retryBudget = retryBudget;
      this.observer = observer;
      this.nanoClock = nanoClock;
      this.instances = instances;
      this.random = random;
    }

    @Override
    public Future<?> start() {
      HttpClientOptions clientOptions =
          new HttpClientOptions()
              .setKeepAlive(true)
              .setTcpNoDelay(true)
              .setKeepAliveTimeout(Math.max(1, settings.upstreamIdleTimeoutMs() / 1000))
              .setConnectTimeout(settings.connectTimeoutMs())
              .setPipelining(settings.upstreamPipelining())
              .setName("bankops-upstream");
      PoolOptions poolOptions =
          new PoolOptions()
              .setHttp1MaxSize(Math.max(1, settings.maxConnectionsPerBackend() / instances))
              .setMaxWaitQueueSize(Math.max(0, settings.maxWaitQueue() / instances));
      client = vertx.httpClientBuilder().with(clientOptions).with(poolOptions).build();
      Picker picker = pickers.apply(random);
      ProxyContext ctx =
          new ProxyContext(
              settings,
              membership,
              retryBudget,
              client,
              observer,
              nanoClock,
              random,
              new Upstreams(settings.connectTimeoutMs(), settings.responseTimeoutMs()),
              new Attempts.Rules(settings, membership, retryBudget, observer, picker, nanoClock));
      HttpServerOptions serverOptions =
          new HttpServerOptions()
              .setHost(settings.host())
              .setPort(settings.port())
              .setTcpNoDelay(true)
              .setMaxHeaderSize(settings.maxHeaderBytes())
              .setHandle100ContinueAutomatically(true)
              .setIdleTimeout(settings.serverIdleTimeoutMs())
              .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
              // every write of a response happens on the request's own event loop (the upstream
              // client runs there too): streams then skip Vert.x's outbound message queue
              .setStrictThreadMode(true);
      server = vertx.createHttpServer(serverOptions).requestHandler(new ProxyHandler(ctx));
      return server.listen();
    }

    @Override
    public Future<?> stop() {
      return server.shutdown().compose(v -> client.close());
    }
  }
}
