package com.bankops.balancer.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * One pooled HTTP/1.1 connection to a backend (netty engine), last handler of its pipeline. It
 * hands what it decodes to the exchange that holds it; an idle connection has no listener, and
 * anything it receives then (a late answer, a stray byte) closes it.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  /** The exchange using a connection. All calls run on the connection's event loop. */
  interface Listener {
    void upstreamHead(HttpResponse head);

    /** A piece of the body, the last one a {@link io.netty.handler.codec.http.LastHttpContent}. */
    void upstreamContent(HttpContent content);

    void upstreamReadComplete();

    void upstreamWritable();

    /** The connection closed or failed while this listener held it. */
    void upstreamClosed();
  }

  final UpstreamPool pool;
  Channel channel;
  ChannelHandlerContext ctx; // writes start here: the codec is the next outbound handler
  Listener listener;
  long idleSinceNanos;
  boolean idle; // in the pool's idle deque

  UpstreamConnection(UpstreamPool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Listener l = listener;
    if (l == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse head) {
      if (head.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      l.upstreamHead(head);
    }
    if (msg instanceof HttpContent content) {
      if (listener == l) {
        l.upstreamContent(content);
      } else {
        content.release();
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Listener l = listener;
    if (l != null) {
      l.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Listener l = listener;
    if (l != null && ctx.channel().isWritable()) {
      l.upstreamWritable();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    pool.closed(this);
    Listener l = listener;
    listener = null;
    if (l != null) {
      l.upstreamClosed();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // resets and broken pipes end here; channelInactive tells the listener
    ctx.close();
  }
}
