package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.ClusterSnapshot;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.proxy.ProxyObserver.Outcome;
import com.bankops.balancer.routing.FailureKind;
import com.bankops.balancer.routing.RetryPolicy;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.Set;

/**
 * One client request on its way through the data plane: pick a backend, forward, and on failure
 * decide whether a retry on another backend is safe.
 *
 * <pre>
 * attempt ─► connect failed ─────────────► retry (any method: nothing reached a backend)
 *         ─► 502/503/504 or reset ───────► retry only if idempotent or Idempotency-Key,
 *                                          and the body is buffered, within the retry budget
 *         ─► timeout ────────────────────► 504 (a slow POST may still move money: never resent)
 *         ─► any other response ─────────► stream it to the client; no retry after that
 *
 * canary shield: an attempt on a CANARY backend that failed (connect, reset or any 5xx, 500
 * included) is resent once to the STABLE pool under the same idempotency rules and budget
 * (RetryPolicy.decideCanaryFallback); the canary's failure is still recorded as its own.
 * </pre>
 *
 * Runs entirely on the event loop of its request; nothing here blocks.
 */
final class Exchange implements ProxyObserver.ExchangeRecord {
  private static final HopByHop.Names SKIP_ON_REQUEST =
      HopByHop.skipping(
          Set.of(
              "host",
              "content-length",
              "x-forwarded-for",
              "x-forwarded-proto",
              "x-forwarded-host",
              "x-request-id",
              "expect"));
  private static final HopByHop.Names SKIP_ON_RESPONSE =
      HopByHop.skipping(Set.of("content-length", "x-request-id"));

  // Header names as pre-hashed AsciiStrings: Vert.x's header maps hash a String name on every
  // get/add, an AsciiString only once.
  static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
  static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("x-forwarded-for");
  static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("x-forwarded-proto");
  static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("x-forwarded-host");
  static final CharSequence IDEMPOTENCY_KEY = HttpHeaders.createOptimized("idempotency-key");

  /**
   * Responses up to this declared length are read whole and written with one {@code end(buffer)}
   * instead of a pipe (no pipe, promise or drain wiring per request); longer or unknown lengths
   * stream with backpressure.
   */
  static final long WHOLE_BODY_MAX_BYTES = 64 * 1024;

  private final ProxyContext ctx;
  private final HttpServerRequest request;
  private final String requestId;
  private final PoolName pool;
  private final String newClientKey;
  private final boolean idempotencyKey;
  private final long startNanos;
  private final long contentLength;
  private final boolean streaming;
  private final Attempts attempts;
  private long endNanos;
  private Buffer body;
  // the view the pool was chosen on; the first attempt picks from it, retries take a fresh one
  // (a backend may have been ejected or drained in between)
  private ClusterSnapshot firstSnapshot;
  private int status;
  private String lastBackend = "-";
  private String lastVersion = "-";

  Exchange(
      ProxyContext ctx,
      HttpServerRequest request,
      String requestId,
      PoolName pool,
      String newClientKey,
      long startNanos,
      long contentLength,
      ClusterSnapshot snapshot) {
    this.ctx = ctx;
    this.firstSnapshot = snapshot;
    this.request = request;
    this.requestId = requestId;
    this.pool = pool;
    this.newClientKey = newClientKey;
    this.startNanos = startNanos;
    this.contentLength = contentLength;
    this.idempotencyKey = request.headers().contains(IDEMPOTENCY_KEY);
    boolean retryable =
        RetryPolicy.IDEMPOTENT_METHODS.contains(request.method().name()) || idempotencyKey;
    this.streaming = contentLength > ctx.settings().bufferThresholdBytes() && !retryable;
    this.attempts =
        new Attempts(ctx.rules(), pool, request.method().name(), idempotencyKey, streaming);
  }

  void start() {
    ctx.retryBudget().onRequest();
    if (streaming) {
      // Keep the body unread until a backend is connected: a connect failure can still retry.
      request.pause();
      attempt();
    } else if (contentLength == 0 || (contentLength < 0 && !hasChunkedBody())) {
      attempt();
    } else {
      readBody();
    }
  }

  private boolean hasChunkedBody() {
    String te = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
    return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  private void readBody() {
    long limit = ctx.settings().maxBodyBytes();
    Buffer collected = Buffer.buffer(contentLength > 0 ? (int) contentLength : 1024);
    request.handler(
        chunk -> {
          if (body == null && collected.length() + chunk.length() > limit) {
            body = Buffer.buffer(); // marks "rejected"
            request.pause();
            finish(ProxyError.BODY_TOO_LARGE, 0);
            return;
          }
          if (body == null) {
            collected.appendBuffer(chunk);
          }
        });
    request.endHandler(
        v -> {
          if (body == null) {
            body = collected;
            attempt();
          }
        });
    request.exceptionHandler(t -> request.response().reset());
  }

  private void attempt() {
    ClusterSnapshot snapshot = firstSnapshot != null ? firstSnapshot : ctx.membership().snapshot();
    firstSnapshot = null;
    Member member = attempts.next(snapshot);
    if (member == null) {
      finish(attempts.count() == 0 ? ProxyError.NO_BACKEND : ProxyError.RETRY_EXHAUSTED, 0);
      return;
    }
    lastBackend = member.id();
    lastVersion = member.backend().version();
    member.load().onStart();
    long attemptStart = ctx.nanoClock().getAsLong();
    RequestOptions options =
        ctx.upstreams().options(member.backend(), request.method(), request.uri());
    member.load().onQueued();
    ctx.client()
        .request(options)
        .onComplete(
            ar -> {
              member.load().onDequeued();
              if (ar.succeeded()) {
                send(member, attemptStart, ar.result());
              } else if (ProxyError.isOverload(ar.cause())) {
                member.load().onCancel();
                finish(ProxyError.OVERLOADED, 0);
              } else {
                attemptFailed(member, attemptStart, ProxyError.classify(ar.cause()));
              }
            });
  }

  private void send(Member member, long attemptStart, HttpClientRequest upstream) {
    HopByHop.copy(request.headers(), upstream.headers(), SKIP_ON_REQUEST);
    forwardedHeaders(upstream);
    upstream
        .response()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                received(member, attemptStart, upstream, ar.result());
              } else {
                attemptFailed(member, attemptStart, ProxyError.classify(ar.cause()));
              }
            });
    if (streaming) {
      upstream.headers().add(HttpHeaders.CONTENT_LENGTH, Long.toString(contentLength));
      request.pipeTo(upstream);
    } else if (body != null) {
      upstream.end(body);
    } else {
      upstream.end();
    }
  }

  private void forwardedHeaders(HttpClientRequest upstream) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
    // all skipped in the copy: added once, no replace
    MultiMap headers = upstream.headers();
    String xff = request.getHeader(X_FORWARDED_FOR);
    headers.add(X_FORWARDED_FOR, xff == null ? peer : xff + ", " + peer);
    String proto = request.getHeader(X_FORWARDED_PROTO);
    headers.add(X_FORWARDED_PROTO, proto == null ? request.scheme() : proto);
    String fhost = request.getHeader(X_FORWARDED_HOST);
    String host = request.getHeader(HttpHeaders.HOST);
    if (fhost != null) {
      headers.add(X_FORWARDED_HOST, fhost);
    } else if (host != null) {
      headers.add(X_FORWARDED_HOST, host);
    }
    headers.add(X_REQUEST_ID, requestId);
  }

  private void received(
      Member member, long attemptStart, HttpClientRequest upstream, HttpClientResponse response) {
    int code = response.statusCode();
    FailureKind kind = code >= 500 ? FailureKind.ofServerError(code).orElse(null) : null;
    if (kind != null && attempts.mayTryAgain(member, kind, request.response().headWritten())) {
      response.body(); // read and drop, so the connection goes back to the pool
      attemptEnded(member, attemptStart, code, Outcome.SERVER_ERROR);
      attempt();
      return;
    }
    HttpServerResponse out = request.response();
    if (out.closed()) {
      upstream.reset();
      attemptEnded(member, attemptStart, code, Outcome.RESPONDED);
      return;
    }
    out.setStatusCode(code);
    String reason = response.statusMessage();
    if (reason != null && !reason.equals(HttpResponseStatus.valueOf(code).reasonPhrase())) {
      out.setStatusMessage(reason); // a custom reason phrase; the usual one is already set
    }
    HopByHop.copy(response.headers(), out.headers(), SKIP_ON_RESPONSE);
    MultiMap outHeaders = out.headers();
    outHeaders.add(X_REQUEST_ID, requestId); // skipped in the copy
    if (newClientKey != null) {
      outHeaders.add(HttpHeaders.SET_COOKIE, ProxyHandler.canaryCookie(newClientKey));
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      outHeaders.add(HttpHeaders.CONTENT_LENGTH, length); // skipped in the copy
    } else if (request.method() != HttpMethod.HEAD && code != 204 && code != 304) {
      out.setChunked(true);
    }
    status = code;
    if (length != null && smallLength(length)) {
      response
          .body()
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  out.end(ar.result())
                      .onComplete(
                          w -> {
                            Outcome outcome;
                            if (w.succeeded()) {
                              outcome = code >= 500 ? Outcome.SERVER_ERROR : Outcome.RESPONDED;
                            } else {
                              outcome = Outcome.RESET;
                              out.reset();
                            }
                            attemptEnded(member, attemptStart, code, outcome);
                            exchangeEnded();
                          });
                } else {
                  upstream.reset();
                  out.reset(); // a truncated body must not look complete to the client
                  attemptEnded(member, attemptStart, code, Outcome.RESET);
                  exchangeEnded();
                }
              });
      return;
    }
    response
        .pipe()
        .endOnFailure(false)
        .to(out)
        .onComplete(
            ar -> {
              Outcome outcome = code >= 500 ? Outcome.SERVER_ERROR : Outcome.RESPONDED;
              if (ar.failed()) {
                outcome = Outcome.RESET;
                upstream.reset();
                out.reset(); // a truncated body must not look complete to the client
              }
              attemptEnded(member, attemptStart, code, outcome);
              exchangeEnded();
            });
  }

  /** A declared length of at most {@link #WHOLE_BODY_MAX_BYTES}, parsed without allocating. */
  static boolean smallLength(String length) {
    int n = length.length();
    if (n == 0 || n > 6) {
      return false;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = length.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      v = v * 10 + (c - '0');
    }
    return v <= WHOLE_BODY_MAX_BYTES;
  }

  private void attemptFailed(Member member, long attemptStart, FailureKind kind) {
    Outcome outcome =
        switch (kind) {
          case CONNECT_FAILED -> Outcome.CONNECT_FAILED;
          case TIMEOUT -> Outcome.TIMEOUT;
          default -> Outcome.RESET;
        };
    attemptEnded(member, attemptStart, 0, outcome);
    if (attempts.mayTryAgain(member, kind, request.response().headWritten())) {
      attempt();
    } else {
      finish(ProxyError.forFailure(kind), 0);
    }
  }

  private void attemptEnded(Member member, long attemptStart, int code, Outcome outcome) {
    long now = ctx.nanoClock().getAsLong();
    long latency = now - attemptStart;
    member.load().onEnd(latency, outcome.isFailure(), now);
    ctx.observer().attemptEnded(member, latency, code, outcome);
  }

  private void finish(ProxyError error, int unused) {
    status = error.status;
    if (streaming) {
      request.resume();
    }
    error.reply(request.response(), requestId);
    exchangeEnded();
  }

  private void exchangeEnded() {
    endNanos = ctx.nanoClock().getAsLong();
    ctx.observer().exchangeEnded(this);
  }

  // ProxyObserver.ExchangeRecord, read by the observer during exchangeEnded

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String method() {
    return request.method().name();
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
    return request.response().bytesWritten();
  }
}
