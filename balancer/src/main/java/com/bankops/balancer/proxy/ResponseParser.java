package com.bankops.balancer.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Reads a backend's HTTP/1.1 answers as bytes (netty engine): it finds the head's lines and the
 * body's end, and hands the body on as slices of what was read, chunked framing included. Nothing
 * is decoded into header objects and nothing re-encoded: the exchange copies the head's kept lines
 * into the client's head and writes the body pieces as they came. Decoding and re-encoding the
 * answer was the largest share of the proxy's own CPU per request (profile in docs/benchmarks.md).
 *
 * <p>Body framing follows RFC 9112 §6.3: no body for an answer to HEAD, for 1xx, 204 and 304;
 * Transfer-Encoding ending in chunked, then Content-Length, else the body ends at the close. An
 * answer carrying both drops Content-Length (the chunked coding rules). 1xx answers other than 101
 * are read and skipped. A malformed answer (bad status line, folded line, space before a colon,
 * conflicting or bad Content-Length, bad chunk framing, an oversized head or trailer) makes {@link
 * #feed} return false, and the caller closes the connection.
 *
 * <p>One parser per backend connection, on its event loop; not thread-safe.
 */
final class ResponseParser {
  static final int MAX_HEAD_BYTES = 64 * 1024;
  static final int MAX_TRAILER_BYTES = 64 * 1024;

  /** Where the parsed answer goes. */
  interface Sink {
    /** A final answer's head (status 200 and up); valid only during the call. */
    void head(Head head);

    /**
     * A piece of the body, owned by the callee; the last piece of each answer comes with {@code
     * last} and may be empty. The answer's end decides {@link #reusable()} before this call.
     */
    void body(ByteBuf piece, boolean last);
  }

  private enum State {
    HEAD,
    FIXED,
    UNTIL_CLOSE,
    CHUNK_SIZE,
    CHUNK_EXT,
    CHUNK_SIZE_LF,
    CHUNK_DATA,
    CHUNK_DATA_CR,
    CHUNK_DATA_LF,
    TRAILER_START,
    TRAILER_LINE,
    TRAILER_END_LF,
    DONE
  }

  private final Sink sink;
  private final Head head = new Head();
  private State state = State.DONE;
  private ByteBuf partialHead; // a head split over reads
  private long remaining; // FIXED and CHUNK_DATA: bytes left
  private int chunkDigits;
  private int trailerBytes;
  private boolean noBody; // the request was HEAD
  private boolean dechunk; // hand on only the chunks' data (an HTTP/1.0 client)
  private boolean reusable;

  ResponseParser(Sink sink) {
    this.sink = sink;
  }

  /**
   * Before a request goes out on this connection: what its answer looks like.
   *
   * @param noBody the request is HEAD: the answer has no body whatever its headers say
   * @param dechunk a chunked body is handed on as its data only (the client speaks HTTP/1.0)
   */
  void expect(boolean noBody, boolean dechunk) {
    this.noBody = noBody;
    this.dechunk = dechunk;
    this.state = State.HEAD;
    this.reusable = false;
  }

  /** After the last piece: the connection may carry another request. */
  boolean reusable() {
    return reusable;
  }

  /**
   * Reads {@code in} (released here).
   *
   * @return false when the answer is malformed or bytes came that no request asked for: close
   */
  boolean feed(ByteBuf in) {
    try {
      while (in.isReadable()) {
        if (state == State.DONE) {
          return false; // nothing was asked, or bytes after the answer's end
        }
        if (state == State.HEAD) {
          if (!feedHead(in)) {
            return false;
          }
        } else if (!feedBody(in)) {
          return false;
        }
      }
      return true;
    } finally {
      in.release();
    }
  }

  /** The connection closed: ends a body that runs to the close; else the answer is cut short. */
  boolean inputClosed() {
    releasePartial();
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      reusable = false;
      sink.body(Unpooled.EMPTY_BUFFER, true);
      return true;
    }
    return state == State.DONE;
  }

  private void releasePartial() {
    if (partialHead != null) {
      partialHead.release();
      partialHead = null;
    }
  }

  // ---- the head ----

  private boolean feedHead(ByteBuf in) {
    ByteBuf buf;
    if (partialHead == null) {
      buf = in;
    } else {
      partialHead.writeBytes(in);
      in.skipBytes(in.readableBytes());
      buf = partialHead;
    }
    int end = headEnd(buf);
    if (end < 0) {
      if (buf.readableBytes() > MAX_HEAD_BYTES) {
        return false;
      }
      if (partialHead == null) {
        partialHead = ByteBufAllocator.DEFAULT.heapBuffer(Math.max(1024, in.readableBytes() * 2));
        partialHead.writeBytes(in);
        in.skipBytes(in.readableBytes());
      }
      return true;
    }
    if (end - buf.readerIndex() > MAX_HEAD_BYTES) {
      return false;
    }
    boolean ok = head.parse(buf, buf.readerIndex(), end);
    buf.readerIndex(end);
    if (ok) {
      ok = afterHead(buf.isReadable());
    }
    if (partialHead != null) {
      // what followed the head in the same reads: its body, or the next answer after a 1xx
      ByteBuf rest = partialHead;
      partialHead = null;
      try {
        return ok && (!rest.isReadable() || feedRest(rest));
      } finally {
        rest.release();
      }
    }
    return ok;
  }

  private boolean feedRest(ByteBuf rest) {
    while (rest.isReadable()) {
      if (state == State.DONE) {
        return false;
      }
      if (!(state == State.HEAD ? feedHead(rest) : feedBody(rest))) {
        return false;
      }
    }
    return true;
  }

  /** The index after the head's empty line, or -1 while it is incomplete. */
  private static int headEnd(ByteBuf buf) {
    int from = buf.readerIndex();
    int limit = buf.writerIndex();
    int lineStart = from;
    while (lineStart < limit) {
      int lf = buf.indexOf(lineStart, limit, (byte) '\n');
      if (lf < 0) {
        return -1;
      }
      int len = lf - lineStart;
      if (lineStart > from && (len == 0 || (len == 1 && buf.getByte(lineStart) == '\r'))) {
        return lf + 1;
      }
      lineStart = lf + 1;
    }
    return -1;
  }

  /**
   * @param more bytes follow the head in what was read
   */
  private boolean afterHead(boolean more) {
    int status = head.status;
    if (status < 200) {
      if (status == 101) {
        return false; // Upgrade is never forwarded, so no switch was asked for
      }
      return true; // 1xx: skipped, the final answer follows (state stays HEAD)
    }
    boolean bodyless = noBody || status == 204 || status == 304;
    State next;
    if (bodyless) {
      next = State.DONE;
    } else if (head.transferEncoding) {
      next = head.chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
    } else if (head.contentLength >= 0) {
      next = head.contentLength == 0 ? State.DONE : State.FIXED;
      remaining = head.contentLength;
    } else {
      next = State.UNTIL_CLOSE;
    }
    head.closeDelimited = next == State.UNTIL_CLOSE;
    head.dechunked = dechunk && next == State.CHUNK_SIZE;
    head.markDropped();
    state = next;
    chunkDigits = 0;
    trailerBytes = 0;
    if (next == State.DONE) {
      reusable = head.keepAlive && !more; // bytes after a bodiless answer were never asked for
      sink.head(head);
      sink.body(Unpooled.EMPTY_BUFFER, true);
      return true;
    }
    sink.head(head);
    return true;
  }

  // ---- the body ----

  private boolean feedBody(ByteBuf in) {
    int i = in.readerIndex();
    int end = in.writerIndex();
    int from = i; // start of what is handed on verbatim
    while (i < end && state != State.DONE) {
      switch (state) {
        case FIXED -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.DONE;
          }
        }
        case UNTIL_CLOSE -> i = end;
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          if (head.dechunked && n > 0) {
            sink.body(in.retainedSlice(i, n), false);
          }
          i += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.CHUNK_DATA_CR;
          }
        }
        default -> {
          if (!chunkFraming(in.getByte(i))) {
            in.readerIndex(end);
            return false;
          }
          i++;
        }
      }
    }
    boolean last = state == State.DONE;
    if (last) {
      // bytes after the answer's end were never asked for: the connection is not reused
      reusable = head.keepAlive && i == end;
    }
    in.readerIndex(i);
    if (head.dechunked) {
      if (last) {
        sink.body(Unpooled.EMPTY_BUFFER, true);
      }
    } else if (i > from || last) {
      sink.body(i > from ? in.retainedSlice(from, i - from) : Unpooled.EMPTY_BUFFER, last);
    }
    return true;
  }

  /** One byte of chunk framing (sizes, extensions, line ends, trailers). */
  private boolean chunkFraming(byte b) {
    switch (state) {
      case CHUNK_SIZE -> {
        int d = hexDigit(b);
        if (d >= 0) {
          if (++chunkDigits > 15) {
            return false; // over 2^60: no real chunk, and the sum would overflow
          }
          remaining = (remaining << 4) | d;
          return true;
        }
        if (chunkDigits == 0) {
          return false;
        }
        if (b == ';' || b == ' ' || b == '\t') {
          state = State.CHUNK_EXT;
        } else if (b == '\r') {
          state = State.CHUNK_SIZE_LF;
        } else if (b == '\n') {
          sizeLineEnded();
        } else {
          return false;
        }
        return true;
      }
      case CHUNK_EXT -> {
        if (b == '\n') {
          sizeLineEnded();
        }
        return true;
      }
      case CHUNK_SIZE_LF -> {
        if (b != '\n') {
          return false;
        }
        sizeLineEnded();
        return true;
      }
      case CHUNK_DATA_CR -> {
        if (b == '\r') {
          state = State.CHUNK_DATA_LF;
        } else if (b == '\n') {
          nextChunk();
        } else {
          return false;
        }
        return true;
      }
      case CHUNK_DATA_LF -> {
        if (b != '\n') {
          return false;
        }
        nextChunk();
        return true;
      }
      case TRAILER_START -> {
        if (b == '\r') {
          state = State.TRAILER_END_LF;
        } else if (b == '\n') {
          state = State.DONE;
        } else {
          state = State.TRAILER_LINE;
          return ++trailerBytes <= MAX_TRAILER_BYTES;
        }
        return true;
      }
      case TRAILER_LINE -> {
        if (b == '\n') {
          state = State.TRAILER_START;
        }
        return ++trailerBytes <= MAX_TRAILER_BYTES;
      }
      case TRAILER_END_LF -> {
        if (b != '\n') {
          return false;
        }
        state = State.DONE;
        return true;
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void sizeLineEnded() {
    state = remaining == 0 ? State.TRAILER_START : State.CHUNK_DATA;
  }

  private void nextChunk() {
    state = State.CHUNK_SIZE;
    chunkDigits = 0;
    remaining = 0;
  }

  private static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int l = b | 0x20;
    if (l >= 'a' && l <= 'f') {
      return l - 'a' + 10;
    }
    return -1;
  }

  /**
   * A parsed answer head: the status, the framing, and the positions of its header lines in the
   * bytes read. Reused for every answer on the connection.
   */
  static final class Head {
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] HTTP_1_ = ascii("HTTP/1.");
    private static final byte[] CRLF = {'\r', '\n'};

    /** Never forwarded (RFC 9110 §7.6.1), plus the backend's request id: the proxy sets its own. */
    private static final byte[][] HOP_BY_HOP = {
      ascii("connection"),
      ascii("keep-alive"),
      ascii("proxy-authenticate"),
      ascii("proxy-authorization"),
      ascii("proxy-connection"),
      ascii("te"),
      ascii("trailer"),
      ascii("upgrade"),
      ascii("x-request-id")
    };

    ByteBuf buf;
    int status;
    boolean http10;
    boolean keepAlive;
    long contentLength;
    boolean transferEncoding;
    boolean chunked;
    boolean closeDelimited;
    boolean dechunked;
    private int reasonStart; // after "HTTP/1.x", at the space before the code
    private int headEnd;
    private int statusLineEnd; // at the line's CR or LF
    private int lines;
    // per header line: name start, name end, value start (trimmed), value end (trimmed)
    private int[] at = new int[4 * 16];
    private boolean[] drop = new boolean[16];

    int status() {
      return status;
    }

    boolean keepAlive() {
      return keepAlive;
    }

    boolean hasContentLength() {
      return contentLength >= 0 && !transferEncoding;
    }

    /** The body runs to the backend's close. */
    boolean closeDelimited() {
      return closeDelimited;
    }

    /** The body is chunked and handed on chunked. */
    boolean chunkedOnTheWire() {
      return chunked && !dechunked;
    }

    /**
     * Writes the status line as HTTP/1.1 and every header line that is kept: not hop-by-hop, not
     * named in Connection, not the backend's X-Request-Id, and not Content-Length next to a chunked
     * coding. Transfer-Encoding is kept when the chunked body goes on as it came. The caller adds
     * its own lines and the empty line.
     */
    void writeKept(ByteBuf out) {
      out.writeBytes(HTTP_1_1);
      out.writeBytes(buf, reasonStart, statusLineEnd - reasonStart);
      out.writeBytes(CRLF);
      for (int l = 0; l < lines; l++) {
        if (!drop[l]) {
          int s = at[4 * l];
          out.writeBytes(buf, s, at[4 * l + 3] - s);
          out.writeBytes(CRLF);
        }
      }
    }

    /** An upper bound of {@link #writeKept}'s size (a bare LF becomes CRLF). */
    int keptBound() {
      return headEnd - reasonStart + lines + 16;
    }

    boolean parse(ByteBuf b, int from, int end) {
      buf = b;
      lines = 0;
      contentLength = -1;
      transferEncoding = false;
      chunked = false;
      closeDelimited = false;
      dechunked = false;
      // status line: HTTP/1.x SP 3DIGIT [SP reason] (RFC 9112 §4)
      int lf = b.indexOf(from, end, (byte) '\n');
      int lineEnd = lf > from && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
      if (lineEnd - from < 12 || !startsWith(b, from, HTTP_1_) || b.getByte(from + 8) != ' ') {
        return false;
      }
      byte minor = b.getByte(from + 7);
      if (minor != '0' && minor != '1') {
        return false;
      }
      http10 = minor == '0';
      int code = 0;
      for (int i = from + 9; i < from + 12; i++) {
        byte c = b.getByte(i);
        if (c < '0' || c > '9') {
          return false;
        }
        code = code * 10 + (c - '0');
      }
      if (code < 100 || (lineEnd > from + 12 && b.getByte(from + 12) != ' ')) {
        return false;
      }
      status = code;
      reasonStart = from + 8;
      statusLineEnd = lineEnd;
      // header lines up to the empty one
      int s = lf + 1;
      boolean close = false;
      boolean keep = false;
      while (true) {
        lf = b.indexOf(s, end, (byte) '\n');
        int e = lf > s && b.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        if (e == s) {
          break; // the empty line
        }
        byte first = b.getByte(s);
        if (first == ' ' || first == '\t') {
          return false; // obsolete line folding (RFC 9112 §5.2)
        }
        int colon = b.indexOf(s, e, (byte) ':');
        if (colon <= s) {
          return false;
        }
        byte beforeColon = b.getByte(colon - 1);
        if (beforeColon == ' ' || beforeColon == '\t') {
          return false; // RFC 9112 §5.1: no whitespace between the name and the colon
        }
        int vs = colon + 1;
        while (vs < e && isOws(b.getByte(vs))) {
          vs++;
        }
        int ve = e;
        while (ve > vs && isOws(b.getByte(ve - 1))) {
          ve--;
        }
        int l = lines++;
        if (4 * lines > at.length) {
          at = java.util.Arrays.copyOf(at, at.length * 2);
          drop = java.util.Arrays.copyOf(drop, drop.length * 2);
        }
        at[4 * l] = s;
        at[4 * l + 1] = colon;
        at[4 * l + 2] = vs;
        at[4 * l + 3] = ve;
        drop[l] = false;
        int len = colon - s;
        if (len == CONTENT_LENGTH.length && nameIs(l, CONTENT_LENGTH)) {
          long v = parseLength(b, vs, ve);
          if (v < 0 || (contentLength >= 0 && v != contentLength)) {
            return false;
          }
          contentLength = v;
        } else if (len == TRANSFER_ENCODING.length && nameIs(l, TRANSFER_ENCODING)) {
          transferEncoding = true;
          chunked = endsWithToken(b, vs, ve, CHUNKED); // the last header's last coding counts
        } else if (len == CONNECTION.length && nameIs(l, CONNECTION)) {
          close |= hasToken(b, vs, ve, CLOSE);
          keep |= hasToken(b, vs, ve, KEEP_ALIVE);
        }
        s = lf + 1;
      }
      keepAlive = http10 ? keep && !close : !close;
      headEnd = end;
      return true;
    }

    /** Once the framing is known: which lines are not forwarded. */
    void markDropped() {
      for (int l = 0; l < lines; l++) {
        if (drop[l]) {
          continue;
        }
        for (byte[] n : HOP_BY_HOP) {
          if (nameIs(l, n)) {
            drop[l] = true;
            if (n == HOP_BY_HOP[0]) {
              dropNamedIn(l);
            }
            break;
          }
        }
        if (!drop[l] && transferEncoding) {
          // chunked goes on as it came (kept); another coding ends at the close (dropped); a
          // Content-Length beside either is not forwarded (RFC 9112 §6.1)
          if (nameIs(l, CONTENT_LENGTH)) {
            drop[l] = true;
          } else if (nameIs(l, TRANSFER_ENCODING) && !(chunked && !dechunked)) {
            drop[l] = true;
          }
        }
      }
    }

    /** Drops the headers named in Connection line {@code c} (RFC 9110 §7.6.1). */
    private void dropNamedIn(int c) {
      int i = at[4 * c + 2];
      int e = at[4 * c + 3];
      while (i < e) {
        int comma = buf.indexOf(i, e, (byte) ',');
        int te = comma < 0 ? e : comma;
        int ts = i;
        while (ts < te && isOws(buf.getByte(ts))) {
          ts++;
        }
        int tend = te;
        while (tend > ts && isOws(buf.getByte(tend - 1))) {
          tend--;
        }
        if (tend > ts) {
          for (int l = 0; l < lines; l++) {
            if (!drop[l] && at[4 * l + 1] - at[4 * l] == tend - ts && sameIgnoreCase(l, ts)) {
              drop[l] = true;
            }
          }
        }
        i = te + 1;
      }
    }

    private boolean sameIgnoreCase(int l, int other) {
      int s = at[4 * l];
      int n = at[4 * l + 1] - s;
      for (int k = 0; k < n; k++) {
        if (lower(buf.getByte(s + k)) != lower(buf.getByte(other + k))) {
          return false;
        }
      }
      return true;
    }

    private boolean nameIs(int l, byte[] lowerName) {
      int s = at[4 * l];
      if (at[4 * l + 1] - s != lowerName.length) {
        return false;
      }
      for (int k = 0; k < lowerName.length; k++) {
        if (lower(buf.getByte(s + k)) != lowerName[k]) {
          return false;
        }
      }
      return true;
    }

    /** Digits only (RFC 9110 §8.6), else -1; over 2^62 is refused. */
    private static long parseLength(ByteBuf b, int s, int e) {
      if (s == e || e - s > 18) {
        return -1;
      }
      long v = 0;
      for (int i = s; i < e; i++) {
        byte c = b.getByte(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v;
    }

    private static boolean hasToken(ByteBuf b, int s, int e, byte[] token) {
      int i = s;
      while (i < e) {
        int comma = b.indexOf(i, e, (byte) ',');
        int te = comma < 0 ? e : comma;
        if (tokenIs(b, i, te, token)) {
          return true;
        }
        i = te + 1;
      }
      return false;
    }

    private static boolean endsWithToken(ByteBuf b, int s, int e, byte[] token) {
      int i = e;
      while (i > s && b.getByte(i - 1) != ',') {
        i--;
      }
      return tokenIs(b, i, e, token);
    }

    private static boolean tokenIs(ByteBuf b, int s, int e, byte[] token) {
      while (s < e && isOws(b.getByte(s))) {
        s++;
      }
      while (e > s && isOws(b.getByte(e - 1))) {
        e--;
      }
      if (e - s != token.length) {
        return false;
      }
      for (int k = 0; k < token.length; k++) {
        if (lower(b.getByte(s + k)) != token[k]) {
          return false;
        }
      }
      return true;
    }

    private static boolean startsWith(ByteBuf b, int at, byte[] prefix) {
      for (int k = 0; k < prefix.length; k++) {
        if (b.getByte(at + k) != prefix[k]) {
          return false;
        }
      }
      return true;
    }

    private static boolean isOws(byte c) {
      return c == ' ' || c == '\t';
    }

    private static byte lower(byte c) {
      return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }
  }
}
