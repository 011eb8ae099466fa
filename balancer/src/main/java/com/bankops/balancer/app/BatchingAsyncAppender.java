package com.bankops.balancer.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * An asynchronous appender for the access log whose writer drains its queue in batches on a timer
 * instead of being woken for every line.
 *
 * <p>logback's {@code AsyncAppender} signals its worker per event: under load, on a core shared
 * with the event loop, that measured about two context switches per proxied request and a third of
 * the request's CPU (docs/benchmarks.md). Here the worker never waits on the queue: it drains what
 * is there, hands it to the attached appenders, and parks for {@code flushIntervalMs} when the
 * queue is empty. Lines reach stdout at most that much later. While nothing comes (the access log
 * off, a quiet proxy) the park doubles up to {@code maxIdleParkMs}: 200 wake-ups a second for
 * nothing were half a percent of a core, each one taking the event loop's core from it for a moment
 * (the latency tail, docs/benchmarks.md); the first line after a quiet spell waits at most that
 * long.
 *
 * <p>Like the {@code neverBlock} AsyncAppender it replaces, a full queue drops lines (counted)
 * rather than delay the event loop. Caller data (thread name, formatted message, MDC) is fixed on
 * the calling thread.
 *
 * <p>Besides logging events it takes ready-made lines ({@link #appendLine}): the proxy renders its
 * access-log JSON itself, without a logging event or the encoder. The writer copies consecutive
 * lines into one buffer and writes it to the console appenders' stream in one call per batch
 * (System.out's lock keeps it whole between other threads' lines). Only when every attached
 * appender is a {@link ConsoleAppender} ({@link #acceptsLines}); order with events is kept.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private static final byte[] LINE_SEPARATOR =
      System.lineSeparator().getBytes(StandardCharsets.UTF_8);
  private final LongAdder dropped = new LongAdder();
  private int queueSize = 8192;
  private long flushIntervalMs = 5;
  private long maxIdleParkMs = 200;
  private int maxBatch = 1024;
  // ILoggingEvent or a ready-made line (String). Lock-free (JCTools' MPSC array queue, shaded in
  // Netty): an ArrayBlockingQueue's lock, shared with the draining worker, cost the event loops
  // about 2% of a request in lock hand-offs
  private java.util.Queue<Object> queue;
  private final LineBuffer lineBuffer = new LineBuffer(64 * 1024);
  private volatile boolean linesAccepted;
  private Thread worker;
  private volatile boolean running;

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setFlushIntervalMs(long flushIntervalMs) {
    this.flushIntervalMs = flushIntervalMs;
  }

  public void setMaxIdleParkMs(long maxIdleParkMs) {
    this.maxIdleParkMs = maxIdleParkMs;
  }

  public void setMaxBatch(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /** Lines dropped because the queue was full. */
  public long dropped() {
    return dropped.sum();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (queueSize < 1 || flushIntervalMs < 1 || maxBatch < 1 || maxIdleParkMs < flushIntervalMs) {
      addError(
          "queueSize, flushIntervalMs and maxBatch must be at least 1, maxIdleParkMs at least"
              + " flushIntervalMs");
      return;
    }
    queue = io.netty.util.internal.PlatformDependent.newFixedMpscQueue(queueSize);
    linesAccepted = consoleOnly();
    running = true;
    worker = new Thread(this::drainLoop, "BatchingAsyncAppender-" + getName());
    worker.setDaemon(true);
    super.start();
    worker.start();
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    running = false;
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (dropped.sum() > 0) {
      addWarn("dropped " + dropped.sum() + " events: the queue was full");
    }
    appenders.detachAndStopAllAppenders();
  }

  /**
   * Whether {@link #appendLine} may be used: started, and every attached appender writes to the
   * console (whose encoder's format the caller reproduces).
   */
  public boolean acceptsLines() {
    return linesAccepted && isStarted();
  }

  private boolean consoleOnly() {
    boolean any = false;
    for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
      if (!(it.next() instanceof ConsoleAppender<ILoggingEvent>)) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /**
   * Queues one ready-made line (without the line separator), as {@link #append} queues an event;
   * dropped and counted when the queue is full.
   */
  public void appendLine(String line) {
    if (!queue.offer(line)) {
      dropped.increment();
    }
  }

  /** Like {@link #appendLine(String)}, for a line already encoded as UTF-8; the array is kept. */
  public void appendLine(byte[] utf8Line) {
    if (!queue.offer(utf8Line)) {
      dropped.increment();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      dropped.increment();
    }
  }

  private void drainLoop() {
    List<Object> batch = new ArrayList<>(maxBatch);
    long base = TimeUnit.MILLISECONDS.toNanos(flushIntervalMs);
    long max = TimeUnit.MILLISECONDS.toNanos(maxIdleParkMs);
    long park = base;
    while (running) {
      if (drainTo(batch) == 0) {
        LockSupport.parkNanos(this, park);
        park = nextIdlePark(park, max);
        continue;
      }
      park = base;
      write(batch);
    }
    while (drainTo(batch) > 0) { // what was queued before stop
      write(batch);
    }
  }

  /** The park after another empty look at the queue: twice the last, up to {@code max}. */
  static long nextIdlePark(long last, long max) {
    return Math.min(last * 2, max);
  }

  private int drainTo(List<Object> batch) {
    int n = 0;
    Object o;
    while (n < maxBatch && (o = queue.poll()) != null) {
      batch.add(o);
      n++;
    }
    return n;
  }

  private void write(List<Object> batch) {
    for (Object o : batch) {
      if (o instanceof byte[] line) {
        lineBuffer.append(line);
        lineBuffer.append(LINE_SEPARATOR);
        continue;
      }
      if (o instanceof String line) {
        lineBuffer.appendUtf8(line);
        lineBuffer.append(LINE_SEPARATOR);
        continue;
      }
      flushLines();
      try {
        appenders.appendLoopOnAppenders((ILoggingEvent) o);
      } catch (RuntimeException ex) {
        addError("appending failed", ex);
      }
    }
    flushLines();
    batch.clear();
  }

  private void flushLines() {
    if (lineBuffer.length == 0) {
      return;
    }
    for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console && console.isStarted()) {
        try {
          OutputStream out = console.getOutputStream();
          out.write(lineBuffer.bytes, 0, lineBuffer.length);
          out.flush();
        } catch (IOException | RuntimeException ex) {
          addError("writing access lines failed", ex);
        }
      }
    }
    lineBuffer.length = 0;
  }

  /**
   * The writer's reusable batch buffer: ASCII (every access line, but for a rare non-ASCII path) is
   * copied without encoding a byte array per line.
   */
  static final class LineBuffer {
    byte[] bytes;
    int length;

    LineBuffer(int capacity) {
      bytes = new byte[capacity];
    }

    void appendUtf8(String s) {
      int n = s.length();
      ensure(n);
      byte[] b = bytes;
      int at = length;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          append(s.substring(i).getBytes(StandardCharsets.UTF_8), at);
          return;
        }
        b[at++] = (byte) c;
      }
      length = at;
    }

    void append(byte[] more) {
      append(more, length);
    }

    private void append(byte[] more, int at) {
      length = at;
      ensure(more.length);
      System.arraycopy(more, 0, bytes, length, more.length);
      length += more.length;
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> newAppender) {
    appenders.addAppender(newAppender);
    linesAccepted = consoleOnly();
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    linesAccepted = false;
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    boolean detached = appenders.detachAppender(appender);
    linesAccepted = consoleOnly();
    return detached;
  }

  @Override
  public boolean detachAppender(String name) {
    boolean detached = appenders.detachAppender(name);
    linesAccepted = consoleOnly();
    return detached;
  }
}
