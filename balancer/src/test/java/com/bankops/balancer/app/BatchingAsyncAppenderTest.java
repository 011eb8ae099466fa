package com.bankops.balancer.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Ready-made lines and events reach the console whole, in order, UTF-8 encoded. */
class BatchingAsyncAppenderTest {

  @Test
  void lineBufferEncodesAsciiAndTheRestAsUtf8() {
    BatchingAsyncAppender.LineBuffer b = new BatchingAsyncAppender.LineBuffer(4);
    b.appendUtf8("{\"path\":\"/a\"}");
    b.append(new byte[] {'\n'});
    b.appendUtf8("é€x");
    assertThat(new String(b.bytes, 0, b.length, StandardCharsets.UTF_8))
        .isEqualTo("{\"path\":\"/a\"}\né€x");
  }

  @Test
  void linesAndEventsKeepTheirOrder() throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    BatchingAsyncAppender async = new BatchingAsyncAppender();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("%msg%n");
      encoder.start();
      console.setContext(context);
      console.setEncoder(encoder);
      console.start();
      async.setContext(context);
      async.setFlushIntervalMs(1);
      async.addAppender(console);
      async.start();
      assertThat(async.acceptsLines()).isTrue();

      async.appendLine("line 1");
      async.doAppend(
          new LoggingEvent("x", context.getLogger("access"), Level.INFO, "event 2", null, null));
      async.appendLine("line 3 é");
      async.stop(); // drains what is queued
    } finally {
      System.setOut(stdout);
    }
    String sep = System.lineSeparator();
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .isEqualTo("line 1" + sep + "event 2" + sep + "line 3 é" + sep);
    assertThat(async.dropped()).isZero();
  }
}
