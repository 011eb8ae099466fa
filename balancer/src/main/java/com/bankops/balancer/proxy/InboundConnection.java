package com.bankops.balancer.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client connection of the netty engine, last handler of its pipeline. Serves its requests one
 * at a time in order: messages of a pipelined request that arrive while one is being answered wait
 * in a small queue (reading stops when it grows), so responses go out in request order.
 */
final class InboundConnection extends ChannelInboundHandlerAdapter {
  private static final int MAX_QUEUED_MESSAGES = 64;

  private final NettyDataPlane plane;
  private LoopState loop;
  private Channel channel;
  private ChannelHandlerContext ctx; // writes start here: the encoder is the next outbound handler
  private ChannelHandlerContext rawCtx; // bytes written here skip the encoder
  private String peer = "unknown";
  private NettyExchange current;
  private boolean requestOpen; // the current exchange still receives its request's body
  private boolean discarding; // dropping the rest of a request that was answered early
  private ArrayDeque<Object> queued;
  private long lastActiveNanos;

  private final NettyDataPlane.ResponseEncoder encoder;

  InboundConnection(NettyDataPlane plane, NettyDataPlane.ResponseEncoder encoder) {
    this.plane = plane;
    this.encoder = encoder;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    rawCtx = ctx.pipeline().context(encoder);
    channel = ctx.channel();
    loop = plane.loop(channel.eventLoop());
    if (channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
      peer = a.getAddress().getHostAddress();
    }
    lastActiveNanos = loop.nanoTime();
    loop.opened(this);
    plane.connectionOpened();
    if (plane.closing()) {
      channel.close();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (queued != null && !queued.isEmpty() || (current != null && !requestOpen && !discarding)) {
      queue(msg);
      return;
    }
    dispatch(msg);
  }

  private void queue(Object msg) {
    if (queued == null) {
      queued = new ArrayDeque<>(4);
    }
    queued.addLast(msg);
    if (queued.size() >= MAX_QUEUED_MESSAGES) {
      channel.config().setAutoRead(false);
    }
  }

  private void dispatch(Object msg) {
    if (discarding) {
      if (msg instanceof LastHttpContent) {
        discarding = false;
        ReferenceCountUtil.release(msg);
        next();
        return;
      }
      if (msg instanceof HttpContent) {
        ReferenceCountUtil.release(msg);
        return;
      }
      discarding = false; // a new request head: the old body ended without a last chunk
    }
    if (msg instanceof HttpRequest request) {
      if (request.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        badRequest(request.decoderResult().cause());
        return;
      }
      String framing = framingProblem(request);
      if (framing != null) {
        ReferenceCountUtil.release(msg);
        badRequest(new IllegalArgumentException(framing));
        return;
      }
      lastActiveNanos = loop.nanoTime();
      requestOpen = !(msg instanceof LastHttpContent);
      if (HttpUtil.is100ContinueExpected(request)) {
        // answered here rather than by Netty's HttpServerExpectContinueHandler: one handler less
        // on every message's way; a body over the limit is refused by the exchange's 413 instead
        request.headers().remove(HttpHeaderNames.EXPECT);
        if (ProxyHandler.contentLength(request.headers().get(HttpHeaderNames.CONTENT_LENGTH))
            <= plane.settings().maxBodyBytes()) {
          channel.writeAndFlush(
              new DefaultFullHttpResponse(
                  HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER),
              channel.voidPromise());
        }
      }
      encoder.answeringHead = request.method().equals(HttpMethod.HEAD);
      NettyExchange e = new NettyExchange(this, loop, request, lastActiveNanos);
      current = e;
      e.start();
      if (msg instanceof HttpContent content) {
        if (current == e) {
          e.requestContent(content); // a whole request in one message
        } else {
          content.release();
        }
      }
      return;
    }
    if (msg instanceof HttpContent content) {
      if (current != null && requestOpen) {
        if (content instanceof LastHttpContent) {
          requestOpen = false;
        }
        current.requestContent(content);
      } else {
        content.release();
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  /**
   * RFC 9112 checks the decoder leaves to its user, each a way to make the proxy and the backend
   * disagree on where a request ends or whom it is for: a 400 and a closed connection. Null when
   * the request is sound.
   */
  static String framingProblem(HttpRequest request) {
    HttpHeaders h = request.headers();
    String te = h.get(HttpHeaderNames.TRANSFER_ENCODING);
    if (te != null && !lastCodingIsChunked(te)) {
      return "Transfer-Encoding must end in chunked"; // §6.1: the length cannot be known
    }
    // §3.2: exactly one Host in HTTP/1.1; at most one in HTTP/1.0
    var hosts = h.valueCharSequenceIterator(HttpHeaderNames.HOST);
    boolean one = hosts.hasNext();
    if (one) {
      hosts.next();
      if (hosts.hasNext()) {
        return "more than one Host";
      }
    } else if (!request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return "no Host";
    }
    return null;
  }

  private static boolean lastCodingIsChunked(String te) {
    int end = te.length();
    while (end > 0 && (te.charAt(end - 1) == ' ' || te.charAt(end - 1) == '\t')) {
      end--;
    }
    int start = te.lastIndexOf(',', end - 1) + 1;
    while (start < end && (te.charAt(start) == ' ' || te.charAt(start) == '\t')) {
      start++;
    }
    return te.regionMatches(true, start, "chunked", 0, 7) && end - start == 7;
  }

  private void badRequest(Throwable cause) {
    ProxyError error =
        cause instanceof TooLongHttpHeaderException
            ? ProxyError.HEADERS_TOO_LARGE
            : cause instanceof TooLongHttpLineException
                ? ProxyError.URI_TOO_LONG
                : cause instanceof TooLongFrameException
                    ? ProxyError.HEADERS_TOO_LARGE
                    : ProxyError.BAD_REQUEST;
    String id = Long.toHexString(loop.random().nextLong() | Long.MIN_VALUE);
    channel.config().setAutoRead(false);
    channel.writeAndFlush(error.toNetty(id, true)).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * The current exchange answered. {@code keepAlive}: the response left the connection usable. A
   * request body still arriving is read and dropped before the next request.
   */
  void exchangeDone(boolean keepAlive) {
    current = null;
    if (!keepAlive || plane.closing()) {
      requestOpen = false;
      return; // the exchange closes the channel after its last write
    }
    if (requestOpen) {
      requestOpen = false;
      discarding = true;
      if (!channel.config().isAutoRead()) {
        channel.config().setAutoRead(true);
      }
      return;
    }
    next();
  }

  private void next() {
    lastActiveNanos = loop.nanoTime();
    while (current == null && !discarding && queued != null && !queued.isEmpty()) {
      dispatch(queued.pollFirst());
    }
    while (current != null && requestOpen && queued != null && !queued.isEmpty()) {
      dispatch(queued.pollFirst());
    }
    if ((queued == null || queued.size() < MAX_QUEUED_MESSAGES)
        && !channel.config().isAutoRead()
        && (current == null || !current.holdsReading())) {
      channel.config().setAutoRead(true);
    }
  }

  /** Stop reading the client (a streamed body waits for its backend). */
  void pauseReading() {
    channel.config().setAutoRead(false);
  }

  void resumeReading() {
    if (!channel.config().isAutoRead() && (queued == null || queued.size() < MAX_QUEUED_MESSAGES)) {
      channel.config().setAutoRead(true);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    NettyExchange e = current;
    if (e != null && channel.isWritable()) {
      e.clientWritable();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    loop.closed(this);
    plane.connectionClosed();
    NettyExchange e = current;
    current = null;
    if (e != null) {
      e.clientGone();
    }
    if (queued != null) {
      queued.forEach(ReferenceCountUtil::release);
      queued.clear();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // a client reset or broken pipe: channelInactive cleans up
    ctx.close();
  }

  Channel channel() {
    return channel;
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  /** For a forwarded answer's bytes (head and body as built by the exchange): past the encoder. */
  ChannelHandlerContext rawCtx() {
    return rawCtx;
  }

  String peer() {
    return peer;
  }

  boolean busy() {
    return current != null;
  }

  long idleFor(long now) {
    return current != null ? 0 : now - lastActiveNanos;
  }

  void close() {
    channel.close();
  }
}
