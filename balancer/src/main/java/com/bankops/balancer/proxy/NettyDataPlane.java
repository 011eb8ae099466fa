package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.routing.Picker;
import com.bankops.balancer.routing.RetryBudget;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.transport.Transport;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The netty engine of the data plane: the proxy's own Netty pipeline instead of Vert.x's HttpServer
 * and HttpClient. The request head the server codec decoded is the one written to the backend
 * (hop-by-hop headers removed, forwarding headers set in place), and the backend's response head is
 * the one written to the client: no header map is rebuilt, no future allocated per step.
 *
 * <p>Each event loop owns its client connections, its upstream pools ({@link UpstreamPool}) and its
 * picker; a client connection's backend connections live on the same loop, so an exchange never
 * changes thread. The routing, retry, health and recording rules are the same as the vertx engine's
 * ({@link Exchange}): {@link NettyExchange} calls the same pure code.
 *
 * <p>Uses Vert.x's transport (native epoll when {@code preferNativeTransport} found it, else NIO)
 * with its own event loops, one per processor, as the vertx engine deploys one verticle per
 * processor.
 */
public final class NettyDataPlane {
  private static final long GRACE_MS = 5_000;

  /**
   * Netty's pooled allocator rather than 4.2's default adaptive one: measured 5–15% less CPU per
   * proxied request here (paired runs, docs/benchmarks.md), most of it in the adaptive allocator's
   * per-buffer bookkeeping.
   */
  private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

  private final ProxySettings settings;
  private final Membership membership;
  private final RetryBudget retryBudget;
  private final ProxyObserver observer;
  private final LongSupplier nanoClock;
  private final Function<RandomGenerator, Picker> pickers;
  private final SplittableRandom seeds;
  private final Transport transport;
  private final EventLoopGroup group;
  private final int threads;
  private final List<LoopState> loops = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final FastThreadLocal<LoopState> loopOfThread = new FastThreadLocal<>();
  private volatile boolean closing;
  private Channel serverChannel;

  private NettyDataPlane(
      Vertx vertx,
      ProxySettings settings,
      Membership membership,
      Function<RandomGenerator, Picker> pickers,
      RetryBudget retryBudget,
      ProxyObserver observer,
      LongSupplier nanoClock,
      int threads,
      long seed) {
    this.settings = settings;
    this.membership = membership;
    this.pickers = pickers;
    this.retryBudget = retryBudget;
    this.observer = observer;
    this.nanoClock = nanoClock;
    this.threads = threads;
    this.seeds = new SplittableRandom(seed);
    this.transport = ((VertxInternal) vertx).transport();
    this.group =
        transport.eventLoopGroup(
            Transport.IO_EVENT_LOOP_GROUP,
            threads,
            new DefaultThreadFactory("bankops-proxy", true),
            100);
  }

  /** Binds the data port; the future completes when it listens. */
  public static Future<NettyDataPlane> start(
      Vertx vertx,
      ProxySettings settings,
      Membership membership,
      Function<RandomGenerator, Picker> pickers,
      RetryBudget retryBudget,
      ProxyObserver observer,
      LongSupplier nanoClock,
      int threads,
      long seed) {
    NettyDataPlane plane =
        new NettyDataPlane(
            vertx, settings, membership, pickers, retryBudget, observer, nanoClock, threads, seed);
    return plane.bind().map(plane);
  }

  private Future<Void> bind() {
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(4096)
            .setMaxHeaderSize(settings.maxHeaderBytes())
            .setMaxChunkSize(64 * 1024);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channelFactory(transport.serverChannelFactory(false))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ResponseEncoder encoder = new ResponseEncoder();
                    ch.pipeline()
                        .addLast(
                            new RequestDecoder(decoder),
                            encoder,
                            new InboundConnection(NettyDataPlane.this, encoder));
                  }
                });
    Promise<Void> p = Promise.promise();
    b.bind(settings.host(), settings.port())
        .addListener(
            f -> {
              if (f.isSuccess()) {
                serverChannel = ((io.netty.channel.ChannelFuture) f).channel();
                p.complete();
              } else {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                p.fail(f.cause());
              }
            });
    return p.future();
  }

  /**
   * Netty's request decoder, except that a request carrying both Content-Length and chunked fails
   * (answered 400, connection closed) instead of being read by the chunked coding alone: a proxy
   * that keeps such a connection serves whatever a smuggler put after the chunked body (RFC 9112
   * §6.1 allows either, and requires the close).
   */
  static final class RequestDecoder extends HttpRequestDecoder {
    RequestDecoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      super.handleTransferEncodingChunkedWithContentLength(message);
      message.setDecoderResult(
          DecoderResult.failure(
              new IllegalArgumentException("both Content-Length and Transfer-Encoding")));
    }
  }

  /**
   * Netty's response encoder, told by the connection whether the response being written answers a
   * HEAD (its declared length then comes without a body), as HttpServerCodec's own encoder tracks.
   */
  static final class ResponseEncoder extends HttpResponseEncoder {
    boolean answeringHead;

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      return (answeringHead && msg.status().code() >= 200) || super.isContentAlwaysEmpty(msg);
    }
  }

  /** The state of the calling event loop, made on its first connection. */
  LoopState loop(EventLoop eventLoop) {
    LoopState s = loopOfThread.get();
    if (s == null) {
      RandomGenerator random;
      synchronized (seeds) {
        random = seeds.split();
      }
      Bootstrap upstream =
          new Bootstrap()
              .group(eventLoop)
              .channelFactory(transport.channelFactory(false))
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.ALLOCATOR, ALLOCATOR)
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, settings.connectTimeoutMs());
      s =
          new LoopState(
              this,
              eventLoop,
              pickers.apply(random),
              random,
              upstream,
              Math.max(1, settings.maxConnectionsPerBackend() / threads),
              Math.max(0, settings.maxWaitQueue() / threads));
      loopOfThread.set(s);
      loops.add(s);
      eventLoop.scheduleAtFixedRate(s::sweep, 1, 1, TimeUnit.SECONDS);
    }
    return s;
  }

  /**
   * Stops listening; idle client connections close at once, busy ones after their response (with
   * {@code Connection: close}), everything still open after a grace period is closed.
   */
  public Future<Void> stop() {
    closing = true;
    Promise<Void> p = Promise.promise();
    Channel server = serverChannel;
    if (server == null) {
      p.complete();
      return p.future();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
    server
        .close()
        .addListener(
            f -> {
              for (LoopState s : loops) {
                s.eventLoop().execute(s::closeIdle);
              }
              awaitDrained(deadline, p);
            });
    return p.future();
  }

  private void awaitDrained(long deadline, Promise<Void> p) {
    if (connections.get() > 0 && System.nanoTime() < deadline) {
      group.next().schedule(() -> awaitDrained(deadline, p), 20, TimeUnit.MILLISECONDS);
      return;
    }
    for (LoopState s : loops) {
      s.eventLoop().execute(s::closeEverything);
    }
    group
        .shutdownGracefully(0, 1, TimeUnit.SECONDS)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                p.tryComplete();
              } else {
                p.tryFail(f.cause());
              }
            });
  }

  boolean closing() {
    return closing;
  }

  /** The port the data plane listens on (the kernel's choice when configured as 0). */
  public int port() {
    return ((java.net.InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  ProxySettings settings() {
    return settings;
  }

  Membership membership() {
    return membership;
  }

  RetryBudget retryBudget() {
    return retryBudget;
  }

  ProxyObserver observer() {
    return observer;
  }

  LongSupplier nanoClock() {
    return nanoClock;
  }
}
