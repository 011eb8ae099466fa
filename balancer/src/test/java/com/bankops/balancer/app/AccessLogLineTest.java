package com.bankops.balancer.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.proxy.ProxyObserver.ExchangeRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The hand-rendered access line is byte for byte what the configured LogstashEncoder writes. */
class AccessLogLineTest {

  private record Rec(
      String requestId,
      String method,
      String uri,
      PoolName pool,
      String backend,
      String version,
      int status,
      int attempts,
      long latencyNanos,
      long bytesOut)
      implements ExchangeRecord {}

  private static String encoded(ExchangeRecord r, Instant at, ZoneId zone) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    LogstashFieldNames names = new LogstashFieldNames();
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    encoder.setFieldNames(names);
    encoder.setTimeZone(zone.getId());
    encoder.start();
    Object[] args = {
      r.method(),
      r.uri(),
      r.status(),
      StructuredArguments.kv("requestId", r.requestId()),
      StructuredArguments.kv("method", r.method()),
      StructuredArguments.kv("path", r.uri()),
      StructuredArguments.kv("status", r.status()),
      StructuredArguments.kv("pool", r.pool().wire()),
      StructuredArguments.kv("backend", r.backend()),
      StructuredArguments.kv("version", r.version()),
      StructuredArguments.kv("attempts", r.attempts()),
      StructuredArguments.kv("latencyMicros", r.latencyNanos() / 1000),
      StructuredArguments.kv("bytesOut", r.bytesOut())
    };
    LoggingEvent event =
        new LoggingEvent("x", context.getLogger("access"), Level.INFO, "{} {} {}", null, args);
    event.setInstant(at);
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    encoder.stop();
    return line.stripTrailing();
  }

  private static void same(ExchangeRecord r, Instant at, ZoneId zone) {
    String mine = new AccessLogLine(zone).render(r, at);
    assertThat(mine).isEqualTo(encoded(r, at, zone));
  }

  @Test
  void plainRequestInUtc() {
    Rec r =
        new Rec(
            "91179a0078fc40e4",
            "GET",
            "/accounts/1",
            PoolName.CANARY,
            "c-1",
            "1.2.0",
            200,
            1,
            247_129_000L,
            8);
    same(r, Instant.parse("2026-11-25T19:01:22.395630759Z"), ZoneId.of("UTC"));
    same(r, Instant.parse("2026-11-25T19:01:22.395630Z"), ZoneId.of("UTC"));
    same(r, Instant.parse("2026-11-25T19:01:22.100Z"), ZoneId.of("UTC"));
    same(r, Instant.parse("2026-11-25T19:01:00Z"), ZoneId.of("UTC"));
    same(r, Instant.parse("2026-01-05T00:00:00.000000001Z"), ZoneId.of("UTC"));
  }

  @Test
  void numbersOfEveryLengthAreWrittenAsTheEncoderWritesThem() {
    long[] values = {0, 9, 10, 99, 100, 1_000, 65_535, 1_234_567_890_123L, Long.MAX_VALUE};
    for (long v : values) {
      Rec r =
          new Rec(
              "id",
              "GET",
              "/n",
              PoolName.STABLE,
              "s",
              "1",
              (int) Math.min(v, 999),
              (int) Math.min(v, Integer.MAX_VALUE),
              v,
              v);
      same(r, Instant.parse("2026-11-25T19:01:22Z"), ZoneId.of("UTC"));
    }
  }

  @Test
  void offsetZones() {
    Rec r = new Rec("id", "POST", "/t", PoolName.STABLE, "-", "-", 503, 0, 999, 0);
    same(r, Instant.parse("2026-07-01T10:15:30.5Z"), ZoneId.of("Europe/Berlin"));
    same(r, Instant.parse("2026-12-01T10:15:30.123456Z"), ZoneId.of("America/St_Johns"));
  }

  @Test
  void escapesLikeJackson() {
    Rec r =
        new Rec(
            "a\"b\\c",
            "GET",
            "/p?q=\"x\"&t=\t\n\r\b\f\u0001\u001fé€/\u007f",
            PoolName.STABLE,
            "s-1",
            "1.1.0-\"rc\"",
            404,
            2,
            1_000_000L,
            123);
    same(r, Instant.parse("2026-11-25T19:01:22.395630759Z"), ZoneId.of("UTC"));
  }

  @Test
  void growsForLongLinesAndEncodesSurrogatePairsAsUtf8() {
    String longPath = "/" + "x\u00e9\u20ac".repeat(1500) + "\ud83d\ude00/end\ud800";
    Rec r = new Rec("id", "GET", longPath, PoolName.CANARY, "c", "2", 200, 1, 5, 7);
    same(r, Instant.parse("2026-11-25T19:01:22.000000001Z"), ZoneId.of("UTC"));
    AccessLogLine line = new AccessLogLine(ZoneId.of("UTC"));
    Instant at = Instant.parse("2026-11-25T19:01:22Z");
    assertThat(line.render(r, at)).isEqualTo(encoded(r, at, ZoneId.of("UTC")));
  }

  @Test
  void reusesItsBuilderAcrossLinesAndSeconds() {
    AccessLogLine line = new AccessLogLine(ZoneId.of("UTC"));
    Rec a = new Rec("1", "GET", "/a", PoolName.STABLE, "s", "1", 200, 1, 5_000, 2);
    Rec b = new Rec("2", "GET", "/bb", PoolName.CANARY, "c", "2", 500, 2, 7_000, 3);
    Instant t1 = Instant.parse("2026-11-25T19:01:22.5Z");
    Instant t2 = Instant.parse("2026-11-25T19:01:23.25Z");
    assertThat(line.render(a, t1)).isEqualTo(encoded(a, t1, ZoneId.of("UTC")));
    assertThat(line.render(b, t2)).isEqualTo(encoded(b, t2, ZoneId.of("UTC")));
    assertThat(line.render(a, t1)).isEqualTo(encoded(a, t1, ZoneId.of("UTC")));
  }

  @Test
  void carriesTheVersionOfTheBackendThatAnswered() {
    Rec r = new Rec("r", "GET", "/a", PoolName.CANARY, "stable-1", "1.1.0", 200, 2, 1_000, 2);
    String line =
        new AccessLogLine(ZoneId.of("UTC")).render(r, Instant.parse("2026-11-25T19:01:22Z"));
    assertThat(new io.vertx.core.json.JsonObject(line).getString("version")).isEqualTo("1.1.0");
    assertThat(line).contains("\"backend\":\"stable-1\",\"version\":\"1.1.0\",\"attempts\":2");
  }
}
