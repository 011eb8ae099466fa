package com.bankops.balancer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One pooled HTTP/1.1 connection to a backend (netty engine), last handler of its pipeline:
 * requests go out through Netty's encoder, answers come in as bytes that its {@link ResponseParser}
 * frames for the exchange holding the connection. An idle connection has no listener, and anything
 * it receives then (a late answer, a stray byte) closes it.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter implements ResponseParser.Sink {
  /** The exchange using a connection. All calls run on the connection's event loop. */
  interface Listener {
    /** A final answer's head, valid during the call only. */
    void upstreamHead(ResponseParser.Head head);

    /** A piece of the body, owned by the listener; the last one comes with {@code last}. */
    void upstreamBody(ByteBuf piece, boolean last);

    void upstreamReadComplete();

    void upstreamWritable();

    /** The connection closed or failed while this listener held it. */
    void upstreamClosed();
  }

  final UpstreamPool pool;
  final ResponseParser parser = new ResponseParser(this);
  Channel channel;
  ChannelHandlerContext ctx; // writes start here: the encoder is the next outbound handler
  ChannelHandlerContext rawCtx; // bytes written here skip the encoder
  Listener listener;
  long idleSinceNanos;
  boolean idle; // in the pool's idle deque

  UpstreamConnection(UpstreamPool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.rawCtx = ctx.pipeline().context(io.netty.handler.codec.http.HttpRequestEncoder.class);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Listener l = listener;
    if (l == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (!(msg instanceof ByteBuf in) || !parser.feed(in)) {
      if (!(msg instanceof ByteBuf)) {
        ReferenceCountUtil.release(msg);
      }
      ctx.close(); // malformed, or more than was asked for: channelInactive tells the listener
    }
  }

  @Override
  public void head(ResponseParser.Head head) {
    Listener l = listener;
    if (l != null) {
      l.upstreamHead(head);
    }
  }

  @Override
  public void body(ByteBuf piece, boolean last) {
    Listener l = listener;
    if (l != null) {
      l.upstreamBody(piece, last);
    } else {
      piece.release();
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
    parser.inputClosed(); // ends a body that runs to the close; the listener then lets go
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
