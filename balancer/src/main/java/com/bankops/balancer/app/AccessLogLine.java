package com.bankops.balancer.app;

import com.bankops.balancer.proxy.ProxyObserver.ExchangeRecord;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

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
 * One instance per thread (it reuses its builder and the formatted second of the timestamp); not
 * thread-safe.
 */
final class AccessLogLine {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final StringBuilder sb = new StringBuilder(384);
  private final ZoneId zone;
  private long cachedSecond = Long.MIN_VALUE;
  private String cachedDateTime; // "2026-11-25T19:01:22"
  private String cachedOffset; // "Z" or "+01:00"

  AccessLogLine(ZoneId zone) {
    this.zone = zone;
  }

  /** The line for {@code r} at {@code now} on the current thread, without the line separator. */
  String render(ExchangeRecord r, Instant now) {
    StringBuilder b = sb;
    b.setLength(0);
    b.append("{\"@timestamp\":\"");
    timestamp(b, now);
    String method = r.method();
    String uri = r.uri();
    int status = r.status();
    b.append("\",\"message\":\"");
    escape(b, method);
    b.append(' ');
    escape(b, uri);
    b.append(' ').append(status);
    b.append("\",\"logger_name\":\"access\",\"thread_name\":\"");
    escape(b, Thread.currentThread().getName());
    b.append("\",\"level\":\"INFO\",\"requestId\":\"");
    escape(b, r.requestId());
    b.append("\",\"method\":\"");
    escape(b, method);
    b.append("\",\"path\":\"");
    escape(b, uri);
    b.append("\",\"status\":").append(status);
    b.append(",\"pool\":\"");
    escape(b, r.pool().wire());
    b.append("\",\"backend\":\"");
    escape(b, r.backend());
    b.append("\",\"version\":\"");
    escape(b, r.version());
    b.append("\",\"attempts\":").append(r.attempts());
    b.append(",\"latencyMicros\":").append(r.latencyNanos() / 1000);
    b.append(",\"bytesOut\":").append(r.bytesOut());
    b.append('}');
    return b.toString();
  }

  /** ISO_OFFSET_DATE_TIME of {@code now} in the zone: the fraction as long as needed (0–9). */
  private void timestamp(StringBuilder b, Instant now) {
    long second = now.getEpochSecond();
    if (second != cachedSecond) {
      ZoneOffset offset = zone.getRules().getOffset(now);
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, offset);
      cachedDateTime = t.toString().substring(0, 16) + ':' + two(t.getSecond());
      cachedOffset = offset.getId();
      cachedSecond = second;
    }
    b.append(cachedDateTime);
    int nanos = now.getNano();
    if (nanos > 0) {
      b.append('.');
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      int start = b.length();
      for (int i = 0; i < digits; i++) {
        b.append('0');
      }
      for (int i = start + digits - 1; i >= start; i--) {
        b.setCharAt(i, (char) ('0' + nanos % 10));
        nanos /= 10;
      }
    }
    b.append(cachedOffset);
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  /** JSON string escaping as Jackson writes it: quote, backslash and control characters. */
  static void escape(StringBuilder b, String s) {
    int n = s.length();
    int from = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      b.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    b.append(s, from, n);
  }
}
