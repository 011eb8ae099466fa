package com.bankops.balancer.app;

import com.bankops.balancer.proxy.ProxyObserver.ExchangeRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Renders one access-log line as the JSON the {@code STDOUT} LogstashEncoder writes for the {@code
 * access} logger (same fields, same order, same escaping), without a logging event, 9 {@code
 * StructuredArguments} and the encoder's generator per request:
 *
 * <pre>
 * {"@timestamp":"2026-11-25T19:01:22.395630759Z","message":"GET / 200","logger_name":"access",
 *  "thread_name":"vert.x-eventloop-thread-2","level":"INFO","requestId":"91179a0078fc40e4",
 *  "method":"GET","path":"/","status":200,"pool":"canary","backend":"stable-1","version":"1.1.0",
 *  "attempts":1,"latencyMicros":247129,"bytesOut":8}
 * </pre>
 *
 * <p>It renders straight into bytes (UTF-8, ASCII copied as is), so neither a String nor a second
 * encoding pass is made per request: the line was about a sixth of a proxied request's CPU.
 *
 * <p>One instance per thread (it reuses its buffer and the formatted second of the timestamp); not
 * thread-safe.
 */
final class AccessLogLine {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] A_TIMESTAMP = ascii("{\"@timestamp\":\"");
  private static final byte[] A_MESSAGE = ascii("\",\"message\":\"");
  private static final byte[] A_LOGGER = ascii("\",\"logger_name\":\"access\",\"thread_name\":\"");
  private static final byte[] A_REQUEST_ID = ascii("\",\"level\":\"INFO\",\"requestId\":\"");
  private static final byte[] A_METHOD = ascii("\",\"method\":\"");
  private static final byte[] A_PATH = ascii("\",\"path\":\"");
  private static final byte[] A_STATUS = ascii("\",\"status\":");
  private static final byte[] A_POOL = ascii(",\"pool\":\"");
  private static final byte[] A_BACKEND = ascii("\",\"backend\":\"");
  private static final byte[] A_VERSION = ascii("\",\"version\":\"");
  private static final byte[] A_ATTEMPTS = ascii("\",\"attempts\":");
  private static final byte[] A_LATENCY = ascii(",\"latencyMicros\":");
  private static final byte[] A_BYTES_OUT = ascii(",\"bytesOut\":");

  private byte[] buf = new byte[512];
  private int len;
  private final ZoneId zone;
  private long cachedSecond = Long.MIN_VALUE;
  private byte[] cachedDateTime; // "2026-11-25T19:01:22"
  private byte[] cachedOffset; // "Z" or "+01:00"
  private String threadName;
  private Thread thread;

  AccessLogLine(ZoneId zone) {
    this.zone = zone;
  }

  /** The line for {@code r} at {@code now} on the current thread, without the line separator. */
  String render(ExchangeRecord r, Instant now) {
    renderInto(r, now);
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }

  /** The same line as UTF-8 bytes, appended to {@code ring} (no array per line). */
  void renderTo(ExchangeRecord r, Instant now, BatchingAsyncAppender.LineRing ring) {
    renderInto(r, now);
    ring.append(buf, len);
  }

  private void renderInto(ExchangeRecord r, Instant now) {
    len = 0;
    raw(A_TIMESTAMP);
    timestamp(now);
    String method = r.method();
    String uri = r.uri();
    int status = r.status();
    raw(A_MESSAGE);
    escape(method);
    put((byte) ' ');
    escape(uri);
    put((byte) ' ');
    number(status);
    raw(A_LOGGER);
    Thread t = Thread.currentThread();
    if (t != thread) {
      thread = t;
      threadName = t.getName();
    }
    escape(threadName);
    raw(A_REQUEST_ID);
    escape(r.requestId());
    raw(A_METHOD);
    escape(method);
    raw(A_PATH);
    escape(uri);
    raw(A_STATUS);
    number(status);
    raw(A_POOL);
    escape(r.pool().wire());
    raw(A_BACKEND);
    escape(r.backend());
    raw(A_VERSION);
    escape(r.version());
    raw(A_ATTEMPTS);
    number(r.attempts());
    raw(A_LATENCY);
    number(r.latencyNanos() / 1000);
    raw(A_BYTES_OUT);
    number(r.bytesOut());
    put((byte) '}');
  }

  /** ISO_OFFSET_DATE_TIME of {@code now} in the zone: the fraction as long as needed (0–9). */
  private void timestamp(Instant now) {
    long second = now.getEpochSecond();
    if (second != cachedSecond) {
      ZoneOffset offset = zone.getRules().getOffset(now);
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, offset);
      cachedDateTime = ascii(t.toString().substring(0, 16) + ':' + two(t.getSecond()));
      cachedOffset = ascii(offset.getId());
      cachedSecond = second;
    }
    raw(cachedDateTime);
    int nanos = now.getNano();
    if (nanos > 0) {
      put((byte) '.');
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      ensure(digits);
      for (int i = len + digits - 1; i >= len; i--) {
        buf[i] = (byte) ('0' + nanos % 10);
        nanos /= 10;
      }
      len += digits;
    }
    raw(cachedOffset);
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private void put(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  private void raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  /** Decimal digits written in place: no String per number (four per line). */
  private void number(long v) {
    if (v < 0) {
      raw(ascii(Long.toString(v))); // never in a line the proxy writes
      return;
    }
    int digits = 1;
    for (long rest = v / 10; rest > 0; rest /= 10) {
      digits++;
    }
    ensure(digits);
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += digits;
  }

  /**
   * JSON string escaping as Jackson writes it: quote, backslash and control characters escaped,
   * surrogates as {@code \\uXXXX} each, everything else as UTF-8.
   */
  private void escape(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        if (len == buf.length) {
          ensure(n - i);
        }
        buf[len++] = (byte) c;
        continue;
      }
      if (Character.isSurrogate(c)) {
        // Jackson's UTF-8 generator writes surrogates (an emoji's pair included) as \\uXXXX escapes
        raw2('\\', 'u');
        raw2((char) HEX[c >> 12], (char) HEX[(c >> 8) & 0xF]);
        raw2((char) HEX[(c >> 4) & 0xF], (char) HEX[c & 0xF]);
        continue;
      }
      if (c >= 0x80) {
        ensure(3);
        if (c < 0x800) {
          buf[len++] = (byte) (0xC0 | (c >> 6));
        } else {
          buf[len++] = (byte) (0xE0 | (c >> 12));
          buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        }
        buf[len++] = (byte) (0x80 | (c & 0x3F));
        continue;
      }
      switch (c) {
        case '"' -> raw2('\\', '"');
        case '\\' -> raw2('\\', '\\');
        case '\n' -> raw2('\\', 'n');
        case '\r' -> raw2('\\', 'r');
        case '\t' -> raw2('\\', 't');
        case '\b' -> raw2('\\', 'b');
        case '\f' -> raw2('\\', 'f');
        default -> {
          raw2('\\', 'u');
          raw2('0', '0');
          raw2((char) HEX[c >> 4], (char) HEX[c & 0xF]);
        }
      }
    }
  }

  private void raw2(char a, char b) {
    ensure(2);
    buf[len++] = (byte) a;
    buf[len++] = (byte) b;
  }
}
