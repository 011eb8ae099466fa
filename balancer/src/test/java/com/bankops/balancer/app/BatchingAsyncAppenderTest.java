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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Ready-made lines and events reach the console whole, in order, UTF-8 encoded. */
class BatchingAsyncAppenderTest {
  private final PrintStream stdout = System.out;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  /** Every test's System.out, which the console appender writes to. */
  @BeforeEach
  void captureStdout() {
    LoggerFactory.getILoggerFactory(); // logback's start-up messages stay out of it
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStdout() {
    System.setOut(stdout);
  }

  private String out() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  /**
   * Started on a console appender that writes "%msg%n" to System.out, which the caller has pointed
   * at its buffer; {@code maxIdleParkMs} 0 keeps the default.
   */
  private static BatchingAsyncAppender startOnConsole(long maxIdleParkMs) {
    return startOnConsole(maxIdleParkMs, 0);
  }

  /** The same with rings of {@code ringBytes} (0: the default). */
  private static BatchingAsyncAppender startOnConsole(long maxIdleParkMs, int ringBytes) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setEncoder(encoder);
    console.start();
    BatchingAsyncAppender async = new BatchingAsyncAppender();
    async.setContext(context);
    async.setFlushIntervalMs(1);
    if (maxIdleParkMs > 0) {
      async.setMaxIdleParkMs(maxIdleParkMs);
    }
    if (ringBytes > 0) {
      async.setRingBytes(ringBytes);
    }
    async.addAppender(console);
    async.start();
    return async;
  }

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
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    BatchingAsyncAppender async = startOnConsole(0);
    assertThat(async.acceptsLines()).isTrue();

    async.appendLine("line 1");
    async.doAppend(
        new LoggingEvent("x", context.getLogger("access"), Level.INFO, "event 2", null, null));
    async.appendLine("line 3 é");
    async.stop(); // drains what is queued
    String sep = System.lineSeparator();
    assertThat(out()).isEqualTo("line 1" + sep + "event 2" + sep + "line 3 é" + sep);
    assertThat(async.dropped()).isZero();
  }

  @Test
  void aQuietQueueIsLookedAtLessAndLessOftenUpToTheMaximum() {
    long ms = 1_000_000;
    long park = 5 * ms;
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      park = BatchingAsyncAppender.nextIdlePark(park, 200 * ms);
      seen.append(park / ms).append(' ');
    }
    assertThat(seen.toString().trim()).isEqualTo("10 20 40 80 160 200 200 200");
  }

  @Test
  void aLineAfterAQuietSpellStillArrivesWithinTheLongestPark() throws Exception {
    BatchingAsyncAppender async = null;
    try {
      async = startOnConsole(50);
      Thread.sleep(300); // quiet: the park has grown to its maximum
      async.appendLine("after the quiet");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(2)) // 50 ms expected; slack for a loaded machine
          .until(() -> out().contains("after the quiet"));
    } finally {
      if (async != null) {
        async.stop();
      }
    }
  }

  @Test
  void ringsOfTwoThreadsDeliverWholeLinesInOrderAndCountWhatTheyDrop() throws Exception {
    int perThread = 20_000;
    // 4 KiB rings: each wraps hundreds of times, and a line often straddles the end
    BatchingAsyncAppender async = startOnConsole(0, 4096);
    Thread[] producers = new Thread[2];
    for (int t = 0; t < producers.length; t++) {
      String name = "p" + t;
      producers[t] =
          new Thread(
              () -> {
                BatchingAsyncAppender.LineRing ring = async.openRing();
                for (int i = 0; i < perThread; i++) {
                  // 8 to 71 bytes: lengths that do not divide the ring
                  byte[] line =
                      (name + " " + i + " " + "x".repeat(i % 64)).getBytes(StandardCharsets.UTF_8);
                  ring.append(line, line.length);
                  if (i % 50 == 0) {
                    // about half a ring, then room for the writer (it passes every 1 ms)
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                  }
                }
              });
      producers[t].start();
    }
    for (Thread p : producers) {
      p.join();
    }
    async.stop(); // drains the rings
    String[] lines = out().split(System.lineSeparator());
    int[] last = {-1, -1};
    for (String line : lines) {
      String[] f = line.split(" ", -1);
      assertThat(f).as(line).hasSize(3);
      int t = Integer.parseInt(f[0].substring(1));
      int i = Integer.parseInt(f[1]);
      assertThat(f[2]).as("a whole line: " + line).isEqualTo("x".repeat(i % 64));
      assertThat(i).as("in order within its thread").isGreaterThan(last[t]);
      last[t] = i;
    }
    assertThat(lines.length + async.dropped()).isEqualTo(2L * perThread);
    // about 40 bytes a line: more than 1000 lines means the 4 KiB ring wrapped at least ten times
    assertThat(lines.length).as("lines that arrived").isGreaterThan(1000);
  }

  @Test
  void aRingIsDrainedAfterItsThreadEndsAndThenForgotten() throws Exception {
    BatchingAsyncAppender async = null;
    try {
      async = startOnConsole(0, 1024);
      BatchingAsyncAppender a = async;
      Thread producer =
          new Thread(
              () -> {
                BatchingAsyncAppender.LineRing ring = a.openRing();
                byte[] line = "last words".getBytes(StandardCharsets.UTF_8);
                ring.append(line, line.length);
                byte[] huge = new byte[2000]; // longer than the ring: dropped, counted
                ring.append(huge, huge.length);
              });
      producer.start();
      producer.join();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> a.ringCount() == 0);
      assertThat(out()).isEqualTo("last words" + System.lineSeparator());
      assertThat(async.dropped()).isEqualTo(1);
    } finally {
      if (async != null) {
        async.stop();
      }
    }
  }
}
