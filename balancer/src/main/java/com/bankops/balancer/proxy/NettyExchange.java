package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.ClusterSnapshot;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.proxy.ProxyObserver.Outcome;
import com.bankops.balancer.routing.CanarySplit;
import com.bankops.balancer.routing.FailureKind;
import com.bankops.balancer.routing.RetryPolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One client request in the netty engine: the same decisions as {@link Exchange} (pool choice,
 * picking, safe retries, the canary shield, recording), on Netty's decoded messages.
 *
 * <pre>
 * head ─► no body ──────────────────► attempt
 *      ─► body that may be resent ──► buffer to the last chunk ─► attempt (retries resend it)
 *      ─► large body, not retryable ► stop reading, attempt, stream with backpressure
 * attempt ─► connection from the loop's pool (idle, new, or queued) ─► write the head in place
 *         ─► response head ─► 5xx that may be retried: read and drop, attempt again
 *                          ─► else: write it to the client in place, then its body
 * </pre>
 *
 * Runs on its connection's event loop only.
 */
final class NettyExchange
    implements ProxyObserver.ExchangeRecord, UpstreamConnection.Listener, UpstreamPool.Waiter {
  private static final HopByHop.Names STRIP_REQUEST =
      HopByHop.skipping(Set.of("x-request-id", "expect"));
  private static final HopByHop.Names STRIP_RESPONSE = HopByHop.skipping(Set.of("x-request-id"));
  private static final AsciiString X_CLIENT_ID = AsciiString.cached("x-client-id");
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  private static final AsciiString IDEMPOTENCY_KEY = AsciiString.cached("idempotency-key");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] COLON_SPACE = {':', ' '};
  private static final byte[] COMMA_SPACE = {',', ' '};
  private static final byte[] HTTP_11_CRLF = ascii(" HTTP/1.1\r\n");
  private static final byte[] X_FORWARDED_FOR_LINE = ascii("x-forwarded-for: ");
  private static final byte[] X_FORWARDED_PROTO_LINE = ascii("x-forwarded-proto: http\r\n");
  private static final byte[] CONTENT_LENGTH_LINE = ascii("content-length: ");

  private static final byte[] X_REQUEST_ID_LINE = ascii("x-request-id: ");
  private static final byte[] SET_COOKIE_LINE = ascii("set-cookie: ");
  private static final byte[] CHUNKED_LINE = ascii("transfer-encoding: chunked\r\n");
  private static final byte[] CLOSE_LINE = ascii("connection: close\r\n");
  private static final byte[] KEEP_ALIVE_LINE = ascii("connection: keep-alive\r\n");
  private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");

  /** Request headers the head writer replaces with its own values. */
  private static final HopByHop.Names WRITTEN_HERE =
      new HopByHop.Names(Set.of("host", "x-forwarded-for", "content-length"));

  private final InboundConnection inbound;
  private final LoopState loop;
  private final NettyDataPlane plane;
  private final ProxySettings settings;
  private final HttpRequest request;
  private final String method;
  private final String requestId;
  private final PoolName pool;
  private final String newClientKey;
  private final boolean idempotencyKey;
  private final boolean keepAlive;
  private final boolean clientHttp10;
  private final long startNanos;
  private final long contentLength;
  private final boolean chunkedBody;
  private final boolean streaming;
  private final Attempts attempts;
  private ClusterSnapshot firstSnapshot;

  // request body
  private ByteBuf body; // buffered body, resent whole by each attempt
  private boolean bodyComplete;
  private boolean requestComplete; // the client's last chunk arrived
  private ArrayDeque<HttpContent> streamQueue; // streamed chunks that arrived before a backend
  private boolean holdsReading; // reading the client is paused for the streamed body

  // the current attempt
  private Member member;
  private UpstreamPool upstream;
  private UpstreamConnection conn;
  private long attemptStart;
  private boolean awaitingConnection;
  private boolean headersPrepared;
  private ScheduledFuture<?> timer; // the wait for a pooled connection
  long lastProgressNanos; // the backend's last sign of life in this attempt
  // in the loop's response-timeout list (LoopState.watch)
  boolean watched;
  NettyExchange watchPrev;
  NettyExchange watchNext;
  private boolean dropping; // reading and dropping a 5xx that will be retried
  private int dropCode;
  private boolean rechunk; // the backend's body ends at its close: chunked for the client
  private boolean headWritten;
  private boolean closeAfter;

  // the record
  private int status;
  private String lastBackend = "-";
  private String lastVersion = "-";
  private long bytesOut;
  private long endNanos;
  private boolean done;

  NettyExchange(InboundConnection inbound, LoopState loop, HttpRequest request, long startNanos) {
    this.inbound = inbound;
    this.loop = loop;
    this.plane = loop.plane();
    this.settings = plane.settings();
    this.request = request;
    this.startNanos = startNanos;
    this.method = request.method().name();
    HttpHeaders h = request.headers();
    this.requestId = ProxyHandler.requestId(h.get(X_REQUEST_ID), loop.random());
    this.contentLength = ProxyHandler.contentLength(h.get(HttpHeaderNames.CONTENT_LENGTH));
    this.chunkedBody = contentLength < 0 && HttpUtil.isTransferEncodingChunked(request);
    this.keepAlive = HttpUtil.isKeepAlive(request);
    this.clientHttp10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.idempotencyKey = h.contains(IDEMPOTENCY_KEY);
    boolean retryable = RetryPolicy.IDEMPOTENT_METHODS.contains(method) || idempotencyKey;
    this.streaming = contentLength > settings.bufferThresholdBytes() && !retryable;
    ClusterSnapshot snapshot = plane.membership().snapshot();
    this.firstSnapshot = snapshot;
    PoolName chosen =
        settings.overrideHeaderEnabled()
            ? ProxyHandler.overrideOf(h.get(settings.overrideHeaderName()))
            : null;
    String key = null;
    if (chosen == null) {
      String k = ProxyHandler.clientKey(h.get(X_CLIENT_ID), h.get(HttpHeaderNames.COOKIE));
      if (k == null) {
        k = CanarySplit.newClientKey(loop.random());
        key = k;
      }
      chosen = ProxyHandler.poolOf(k, snapshot.canaryBasisPoints());
    }
    this.pool = chosen;
    this.newClientKey = key;
    this.attempts = new Attempts(loop.rules(), chosen, method, idempotencyKey, streaming);
  }

  void start() {
    plane.retryBudget().onRequest();
    if (contentLength > settings.maxBodyBytes()) {
      finish(ProxyError.BODY_TOO_LARGE);
    } else if (streaming) {
      // keep the body unread until a backend is connected: a connect failure can still retry
      streamQueue = new ArrayDeque<>(4);
      holdsReading = true;
      inbound.pauseReading();
      attempt();
    } else if (contentLength == 0 || (contentLength < 0 && !chunkedBody)) {
      attempt();
    } else {
      int initial = contentLength > 0 ? (int) contentLength : 1024;
      body = inbound.channel().alloc().buffer(initial);
    }
  }

  /** A piece of the request body from the client; this exchange owns it from here. */
  void requestContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (last) {
      requestComplete = true;
    }
    if (done) {
      content.release();
      return;
    }
    if (streaming) {
      if (conn != null && headersPrepared) {
        writeStreamed(conn.ctx, content);
      } else {
        streamQueue.addLast(content);
      }
      return;
    }
    if (body != null && !bodyComplete) {
      ByteBuf data = content.content();
      if ((long) body.readableBytes() + data.readableBytes() > settings.maxBodyBytes()) {
        content.release();
        finish(ProxyError.BODY_TOO_LARGE);
        return;
      }
      body.writeBytes(data);
      content.release();
      if (last) {
        bodyComplete = true;
        attempt();
      }
      return;
    }
    content.release(); // the empty last chunk of a request without a body
  }

  private void writeStreamed(ChannelHandlerContext ch, HttpContent content) {
    ch.writeAndFlush(content, ch.voidPromise());
    if (!ch.channel().isWritable() && !requestComplete) {
      holdsReading = true;
      inbound.pauseReading();
    }
  }

  boolean holdsReading() {
    return holdsReading;
  }

  // ---- attempts ----

  private void attempt() {
    ClusterSnapshot snapshot =
        firstSnapshot != null ? firstSnapshot : plane.membership().snapshot();
    firstSnapshot = null;
    Member m = attempts.next(snapshot);
    if (m == null) {
      finish(attempts.count() == 0 ? ProxyError.NO_BACKEND : ProxyError.RETRY_EXHAUSTED);
      return;
    }
    member = m;
    lastBackend = m.id();
    lastVersion = m.backend().version();
    m.load().onStart();
    attemptStart = loop.nanoTime();
    m.load().onQueued();
    awaitingConnection = true;
    upstream = loop.pool(m.backend());
    if (upstream.acquire(this)) {
      // queued behind the pool's limit: wait no longer than a connect may take
      timer =
          loop.eventLoop()
              .schedule(this::waitTimedOut, settings.connectTimeoutMs(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void acquired(UpstreamConnection c) {
    if (!awaitingConnection) {
      upstream.release(c, true); // the client left while this connection was opening
      return;
    }
    awaitingConnection = false;
    cancelTimer();
    member.load().onDequeued();
    conn = c;
    c.listener = this;
    send(c);
  }

  @Override
  public void connectFailed(Throwable cause) {
    if (!awaitingConnection) {
      return;
    }
    awaitingConnection = false;
    cancelTimer();
    member.load().onDequeued();
    attemptFailed(FailureKind.CONNECT_FAILED);
  }

  @Override
  public void overloaded() {
    if (!awaitingConnection) {
      return;
    }
    awaitingConnection = false;
    cancelTimer();
    member.load().onDequeued();
    member.load().onCancel();
    finish(ProxyError.OVERLOADED);
  }

  private void waitTimedOut() {
    timer = null;
    if (awaitingConnection && upstream.cancel(this)) {
      overloaded();
    }
  }

  private void send(UpstreamConnection c) {
    c.parser.expect(request.method().equals(HttpMethod.HEAD), clientHttp10);
    if (!streaming) {
      // the head as bytes, written past the encoder: no header map edited, nothing re-encoded
      ChannelHandlerContext raw = c.rawCtx;
      ByteBuf head = raw.alloc().directBuffer(512);
      writeHead(head, upstream.hostHeader);
      if (body != null) {
        raw.write(head, raw.voidPromise());
        raw.writeAndFlush(body.retainedDuplicate(), raw.voidPromise());
      } else {
        raw.writeAndFlush(head, raw.voidPromise());
      }
      lastProgressNanos = loop.nanoTime();
      loop.watch(this);
      return;
    }
    ChannelHandlerContext ch = c.ctx;
    HttpHeaders h = request.headers();
    if (!headersPrepared) {
      prepareHeaders(h);
      headersPrepared = true;
    }
    h.set(HttpHeaderNames.HOST, upstream.hostHeader);
    ch.write(request, ch.voidPromise()); // streamed: through the encoder, which frames the body
    HttpContent piece;
    while ((piece = streamQueue.pollFirst()) != null) {
      ch.write(piece, ch.voidPromise());
    }
    ch.flush();
    if (!requestComplete && ch.channel().isWritable()) {
      holdsReading = false;
      inbound.resumeReading();
    }
    lastProgressNanos = loop.nanoTime();
    loop.watch(this);
  }

  /**
   * The request head for the backend, as bytes: HTTP/1.1, origin-form; the client's lines less the
   * hop-by-hop ones, those named in Connection, and those set here (Host: the backend's,
   * X-Forwarded-For: the peer appended, X-Request-Id, Content-Length: the buffered body's); then
   * X-Forwarded-Proto and -Host unless the client sent them. The same edits as {@link
   * #prepareHeaders}, which the streamed path still makes on the decoded head.
   */
  private void writeHead(ByteBuf out, CharSequence host) {
    HttpHeaders h = request.headers();
    String connection = h.get(HttpHeaderNames.CONNECTION);
    java.util.Set<String> named = connection == null ? null : HopByHop.namedBeyondFixed(connection);
    String uri = request.uri();
    String authority = authorityOf(uri);
    if (authority != null) {
      uri = originForm(uri); // absolute-form (RFC 9112 §3.2.2): its authority replaces Host
    }
    out.writeCharSequence(request.method().asciiName(), StandardCharsets.ISO_8859_1);
    out.writeByte(' ');
    out.writeCharSequence(uri, StandardCharsets.ISO_8859_1);
    out.writeBytes(HTTP_11_CRLF);
    CharSequence xff = null;
    CharSequence clientHost = null;
    boolean proto = false;
    boolean forwardedHost = false;
    for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
      var e = it.next();
      CharSequence name = e.getKey();
      if (WRITTEN_HERE.contains(name)) {
        if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)) {
          clientHost = e.getValue();
        } else if (AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_FOR)) {
          xff = xff == null ? e.getValue() : xff + ", " + e.getValue();
        }
        continue;
      }
      if (STRIP_REQUEST.contains(name)
          || (named != null
              && named.contains(name.toString().toLowerCase(java.util.Locale.ROOT)))) {
        continue;
      }
      if (!proto && AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_PROTO)) {
        proto = true;
      } else if (!forwardedHost && AsciiString.contentEqualsIgnoreCase(name, X_FORWARDED_HOST)) {
        forwardedHost = true;
      }
      line(out, name, e.getValue());
    }
    line(out, HttpHeaderNames.HOST, host);
    out.writeBytes(X_FORWARDED_FOR_LINE);
    if (xff != null) {
      out.writeCharSequence(xff, StandardCharsets.ISO_8859_1);
      out.writeBytes(COMMA_SPACE);
    }
    out.writeCharSequence(inbound.peer(), StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
    if (!proto) {
      out.writeBytes(X_FORWARDED_PROTO_LINE);
    }
    if (!forwardedHost) {
      CharSequence fh = authority != null ? authority : clientHost;
      if (fh != null) {
        line(out, X_FORWARDED_HOST, fh);
      }
    }
    line(out, X_REQUEST_ID, requestId);
    if (body != null) {
      out.writeBytes(CONTENT_LENGTH_LINE);
      out.writeCharSequence(Integer.toString(body.readableBytes()), StandardCharsets.ISO_8859_1);
      out.writeBytes(CRLF);
    } else if (contentLength == 0) {
      out.writeBytes(CONTENT_LENGTH_LINE);
      out.writeByte('0');
      out.writeBytes(CRLF);
    }
    out.writeBytes(CRLF);
  }

  private static void line(ByteBuf out, CharSequence name, CharSequence value) {
    out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
    out.writeBytes(COLON_SPACE);
    out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
    out.writeBytes(CRLF);
  }

  private void prepareHeaders(HttpHeaders h) {
    HopByHop.strip(h, STRIP_REQUEST); // x-request-id included: added, not set, below
    // add where the name is known to be absent: set would search for it first
    String peer = inbound.peer();
    java.util.List<String> xff = h.getAll(X_FORWARDED_FOR);
    if (xff.isEmpty()) {
      h.add(X_FORWARDED_FOR, peer);
    } else {
      h.set(X_FORWARDED_FOR, String.join(", ", xff) + ", " + peer); // every earlier hop kept
    }
    if (!h.contains(X_FORWARDED_PROTO)) {
      h.add(X_FORWARDED_PROTO, HTTP);
    }
    String authority = authorityOf(request.uri());
    if (authority != null) {
      // absolute-form (RFC 9112 §3.2.2): its authority replaces Host, the origin gets origin-form
      request.setUri(originForm(request.uri()));
    }
    if (!h.contains(X_FORWARDED_HOST)) {
      String host = authority != null ? authority : h.get(HttpHeaderNames.HOST);
      if (host != null) {
        h.add(X_FORWARDED_HOST, host);
      }
    }
    h.add(X_REQUEST_ID, requestId);
    if (body != null) {
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    }
    // backends are spoken to in HTTP/1.1 with keep-alive, whatever the client spoke
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
  }

  /** The authority of an absolute-form target ({@code http://host:port/path}), else null. */
  static String authorityOf(String uri) {
    int from = schemeEnd(uri);
    if (from < 0) {
      return null;
    }
    return uri.substring(from, pathStart(uri, from));
  }

  /** The origin-form of an absolute-form target: its path (at least "/") and query. */
  static String originForm(String uri) {
    int from = schemeEnd(uri);
    if (from < 0) {
      return uri;
    }
    String rest = uri.substring(pathStart(uri, from));
    return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
  }

  private static int schemeEnd(String uri) {
    if (uri.startsWith("/")) {
      return -1; // origin-form, the usual case: no scan
    }
    if (uri.regionMatches(true, 0, "http://", 0, 7)) {
      return 7;
    }
    if (uri.regionMatches(true, 0, "https://", 0, 8)) {
      return 8;
    }
    return -1;
  }

  private static int pathStart(String uri, int from) {
    int i = from;
    while (i < uri.length() && uri.charAt(i) != '/' && uri.charAt(i) != '?') {
      i++;
    }
    return i;
  }

  /**
   * The response timeout is an idle timeout, as the vertx engine's: it fires when the backend sent
   * nothing for that long, before the head or between pieces of the body (LoopState.watch).
   */
  void responseTimedOut() {
    if (done || conn == null) {
      return;
    }
    UpstreamConnection c = conn;
    conn = null;
    c.listener = null;
    c.channel.close(); // the answer may still come: this connection cannot be reused
    if (headWritten) {
      attemptEnded(status, Outcome.TIMEOUT);
      exchangeEnded();
      inbound.channel().close(); // a truncated body must not look complete to the client
      return;
    }
    if (dropping) {
      dropping = false;
      attemptEnded(dropCode, Outcome.SERVER_ERROR);
      attempt();
      return;
    }
    attemptFailed(FailureKind.TIMEOUT);
  }

  // ---- the backend's answer ----

  @Override
  public void upstreamHead(ResponseParser.Head head) {
    int code = head.status();
    lastProgressNanos = loop.nanoTime();
    loop.watch(this);
    FailureKind kind = code >= 500 ? FailureKind.ofServerError(code).orElse(null) : null;
    if (kind != null && attempts.mayTryAgain(member, kind, headWritten)) {
      dropping = true;
      dropCode = code;
      return;
    }
    status = code;
    boolean bodyAllowed = code != 204 && code != 304 && !request.method().equals(HttpMethod.HEAD);
    rechunk = false;
    if (bodyAllowed && !head.hasContentLength() && !head.chunkedOnTheWire()) {
      if (clientHttp10) {
        closeAfter = true; // no chunked coding in HTTP/1.0: the close ends the body
      } else {
        rechunk = true; // a body that ends at the backend's close goes on chunked
      }
    }
    if (!keepAlive || closeAfter || plane.closing()) {
      closeAfter = true;
    }
    ChannelHandlerContext out = inbound.rawCtx();
    ByteBuf h = out.alloc().directBuffer(head.keptBound() + 160 + requestId.length());
    head.writeKept(h); // the backend's lines, hop-by-hop and X-Request-Id left out
    h.writeBytes(X_REQUEST_ID_LINE);
    h.writeCharSequence(requestId, StandardCharsets.ISO_8859_1);
    h.writeBytes(CRLF);
    if (newClientKey != null) {
      h.writeBytes(SET_COOKIE_LINE);
      h.writeCharSequence(
          ProxyHandler.canaryCookieAscii(newClientKey), StandardCharsets.ISO_8859_1);
      h.writeBytes(CRLF);
    }
    if (rechunk) {
      h.writeBytes(CHUNKED_LINE);
    }
    if (closeAfter) {
      h.writeBytes(CLOSE_LINE);
    } else if (clientHttp10) {
      h.writeBytes(KEEP_ALIVE_LINE);
    }
    h.writeBytes(CRLF);
    headWritten = true;
    out.write(h, out.voidPromise());
  }

  @Override
  public void upstreamBody(ByteBuf piece, boolean last) {
    if (!last) {
      lastProgressNanos = loop.nanoTime();
      loop.watch(this);
    }
    if (dropping) {
      piece.release();
      if (last) {
        dropping = false;
        cancelTimer();
        UpstreamConnection used = conn;
        conn = null;
        upstream.release(used, reusable(used));
        attemptEnded(dropCode, Outcome.SERVER_ERROR);
        attempt();
      }
      return;
    }
    if (done || !headWritten) {
      piece.release();
      return;
    }
    bytesOut += piece.readableBytes();
    if (rechunk) {
      piece = chunked(piece, last);
    }
    ChannelHandlerContext out = inbound.rawCtx();
    if (!last) {
      out.write(piece, out.voidPromise());
      if (!out.channel().isWritable()) {
        conn.channel.config().setAutoRead(false); // resumed by clientWritable
      }
      return;
    }
    cancelTimer();
    UpstreamConnection used = conn;
    conn = null;
    upstream.release(used, reusable(used));
    attemptEnded(status, status >= 500 ? Outcome.SERVER_ERROR : Outcome.RESPONDED);
    boolean keep = !closeAfter && !plane.closing();
    if (keep) {
      out.writeAndFlush(piece, out.voidPromise());
    } else {
      out.writeAndFlush(piece).addListener(ChannelFutureListener.CLOSE);
    }
    exchangeEnded();
    inbound.exchangeDone(keep);
  }

  /** A piece of a body that had no framing, framed as one chunk (the last adds the end). */
  private static ByteBuf chunked(ByteBuf piece, boolean last) {
    int n = piece.readableBytes();
    ByteBuf framed = Unpooled.buffer(n + 24);
    if (n > 0) {
      framed.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
      framed.writeBytes(CRLF);
      framed.writeBytes(piece);
      framed.writeBytes(CRLF);
    }
    piece.release();
    if (last) {
      framed.writeBytes(LAST_CHUNK);
    }
    return framed;
  }

  /** The backend connection may carry another request: read to the end, kept alive, sent whole. */
  private boolean reusable(UpstreamConnection c) {
    return c.parser.reusable() && (!streaming || requestComplete);
  }

  @Override
  public void upstreamReadComplete() {
    if (headWritten && !done) {
      inbound.rawCtx().flush();
    }
  }

  @Override
  public void upstreamWritable() {
    if (streaming && holdsReading && !requestComplete && !done) {
      holdsReading = false;
      inbound.resumeReading();
    }
  }

  /** The client can take more again: resume reading the backend. */
  void clientWritable() {
    if (conn != null && headWritten && !conn.channel.config().isAutoRead()) {
      conn.channel.config().setAutoRead(true);
    }
  }

  @Override
  public void upstreamClosed() {
    conn = null;
    cancelTimer();
    if (done) {
      return;
    }
    if (dropping) {
      dropping = false;
      attemptEnded(dropCode, Outcome.SERVER_ERROR);
      attempt();
      return;
    }
    if (headWritten) {
      // a truncated body must not look complete to the client
      attemptEnded(status, Outcome.RESET);
      exchangeEnded();
      inbound.channel().close();
      return;
    }
    attemptFailed(FailureKind.RESET);
  }

  /** The client's connection closed before the answer was complete. */
  void clientGone() {
    if (done) {
      return;
    }
    if (awaitingConnection) {
      awaitingConnection = false;
      upstream.cancel(this);
      member.load().onDequeued();
      member.load().onCancel();
    } else if (conn != null) {
      UpstreamConnection c = conn;
      conn = null;
      c.listener = null;
      c.channel.close(); // its answer would arrive for nobody
      attemptEnded(status, Outcome.RESET);
    }
    if (status == 0) {
      status = 499; // as NGINX logs a client that closed the request
    }
    exchangeEnded();
  }

  // ---- failures ----

  private void attemptFailed(FailureKind kind) {
    Outcome outcome =
        switch (kind) {
          case CONNECT_FAILED -> Outcome.CONNECT_FAILED;
          case TIMEOUT -> Outcome.TIMEOUT;
          default -> Outcome.RESET;
        };
    attemptEnded(0, outcome);
    if (attempts.mayTryAgain(member, kind, headWritten)) {
      attempt();
    } else {
      finish(ProxyError.forFailure(kind));
    }
  }

  private void attemptEnded(int code, Outcome outcome) {
    long now = loop.nanoTime();
    long latency = now - attemptStart;
    member.load().onEnd(latency, outcome.isFailure(), now);
    plane.observer().attemptEnded(member, latency, code, outcome);
  }

  private void cancelTimer() {
    loop.unwatch(this);
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
  }

  /** Answers the client with one of the proxy's own errors. */
  private void finish(ProxyError error) {
    if (done) {
      return;
    }
    status = error.status;
    boolean close =
        !keepAlive
            || error.closesConnection()
            || plane.closing()
            || (streaming && !requestComplete);
    ChannelHandlerContext out = inbound.ctx();
    FullHttpResponse r = error.toNetty(requestId, close);
    bytesOut += r.content().readableBytes();
    if (close) {
      out.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    } else {
      out.writeAndFlush(r, out.voidPromise());
    }
    exchangeEnded();
    inbound.exchangeDone(!close);
  }

  private void exchangeEnded() {
    done = true;
    endNanos = loop.nanoTime();
    cancelTimer();
    if (body != null) {
      body.release();
      body = null;
    }
    if (streamQueue != null) {
      HttpContent c;
      while ((c = streamQueue.pollFirst()) != null) {
        c.release();
      }
    }
    plane.observer().exchangeEnded(this);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  // ---- ProxyObserver.ExchangeRecord, read during exchangeEnded ----

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String uri() {
    return request.uri();
  }

  @Override
  public PoolName pool() {
    return pool;
  }

  @Override
  public String backend() {
    return lastBackend;
  }

  @Override
  public String version() {
    return lastVersion;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public int attempts() {
    return attempts.count();
  }

  @Override
  public long latencyNanos() {
    return endNanos - startNanos;
  }

  @Override
  public long bytesOut() {
    return bytesOut;
  }
}
