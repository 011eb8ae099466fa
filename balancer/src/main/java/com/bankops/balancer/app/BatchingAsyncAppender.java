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
 * <p>Besides logging events it takes ready-made lines: the proxy renders its access-log JSON
 * itself, without a logging event or the encoder, into its event loop's {@link LineRing} ({@link
 * #openRing}), which the writer writes to the console appenders' stream in one call per ring and
 * pass (System.out's lock keeps it whole between other threads' lines). {@link #appendLine} queues
 * a single line among the events, in order. Only when every attached appender is a {@link
 * ConsoleAppender} ({@link #acceptsLines}).
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
  private int ringBytes = 2 << 20;
  private final java.util.concurrent.CopyOnWriteArrayList<LineRing> rings =
      new java.util.concurrent.CopyOnWriteArrayList<>();
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

  /** The size of each producer thread's {@link LineRing}, a power of two (default 2 MiB). */
  public void setRingBytes(int ringBytes) {
    this.ringBytes = ringBytes;
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
    if (queueSize < 1
        || flushIntervalMs < 1
        || maxBatch < 1
        || maxIdleParkMs < flushIntervalMs
        || ringBytes < 1024
        || Integer.bitCount(ringBytes) != 1) {
      addError(
          "queueSize, flushIntervalMs and maxBatch must be at least 1, maxIdleParkMs at least"
              + " flushIntervalMs, ringBytes a power of two of at least 1024");
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

  /**
   * A new {@link LineRing} for the calling thread's lines, which that thread alone may append to.
   * The writer drains it with the queue and forgets it once its thread has ended and it is empty.
   */
  public LineRing openRing() {
    LineRing ring = new LineRing(ringBytes, Thread.currentThread(), dropped);
    rings.add(ring);
    return ring;
  }

  /** Rings the writer still drains. */
  int ringCount() {
    return rings.size();
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
      boolean queued = drainTo(batch) > 0;
      if (queued) {
        write(batch);
      }
      if (drainRings() || queued) {
        // the rings fill for a while: one write per ring per interval, not one per few lines
        park = base;
        LockSupport.parkNanos(this, park);
        continue;
      }
      LockSupport.parkNanos(this, park);
      park = nextIdlePark(park, max);
    }
    while (drainTo(batch) > 0) { // what was queued before stop
      write(batch);
    }
    drainRings();
  }

  /** Writes what each ring holds; forgets the drained rings of ended threads. */
  private boolean drainRings() {
    boolean any = false;
    for (LineRing ring : rings) {
      // read before the end: a thread that appended and then ended is still drained below
      boolean ownerGone = !ring.owner.isAlive();
      long upTo = ring.published.get();
      long from = ring.written.get();
      if (upTo > from) {
        writeRing(ring, from, upTo);
        // only now may the producer write over these bytes
        ring.written.lazySet(upTo);
        any = true;
      } else if (ownerGone) {
        rings.remove(ring);
      }
    }
    return any;
  }

  private void writeRing(LineRing ring, long from, long upTo) {
    byte[] b = ring.bytes;
    int start = (int) (from & ring.mask);
    int length = (int) (upTo - from);
    if (start + length <= b.length) {
      writeToConsoles(b, start, length);
      return;
    }
    // wrapped: one write still, so that no other thread's line lands inside one of ours
    int first = b.length - start;
    lineBuffer.append(b, start, first);
    lineBuffer.append(b, 0, length - first);
    flushLines();
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
    writeToConsoles(lineBuffer.bytes, 0, lineBuffer.length);
    lineBuffer.length = 0;
  }

  private void writeToConsoles(byte[] b, int offset, int length) {
    for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof ConsoleAppender<ILoggingEvent> console && console.isStarted()) {
        try {
          OutputStream out = console.getOutputStream();
          out.write(b, offset, length);
          out.flush();
        } catch (IOException | RuntimeException ex) {
          addError("writing access lines failed", ex);
        }
      }
    }
  }

  /**
   * One producer thread's lines on their way to the console: NGINX's {@code access_log ...
   * buffer=}, without the producer ever writing or waiting. The producer copies each whole line and
   * its separator into the ring and publishes the new end with an ordered store; the writer writes
   * what lies between the end it wrote last and that one, straight from the array, then publishes
   * how far it got. No object, queue slot or lock per line: the queue of line arrays it replaced
   * cost the event loop an allocation and a contended offer per request, and the writer a copy. A
   * line that does not fit, because the writer is a whole ring behind, is dropped and counted.
   */
  public static final class LineRing {
    private final byte[] bytes;
    private final int mask;
    private final Thread owner;
    private final LongAdder dropped;
    // the producer's own: bytes appended so far, and how far it may go before looking again
    private long end;
    private long limit;
    private final java.util.concurrent.atomic.AtomicLong published =
        new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong written =
        new java.util.concurrent.atomic.AtomicLong();

    LineRing(int capacity, Thread owner, LongAdder dropped) {
      this.bytes = new byte[capacity];
      this.mask = capacity - 1;
      this.owner = owner;
      this.dropped = dropped;
      this.limit = capacity;
    }

    /** Appends {@code line[0, length)} and the separator, or drops the line. Owner thread only. */
    public void append(byte[] line, int length) {
      long next = end + length + LINE_SEPARATOR.length;
      if (next > limit) {
        limit = written.get() + bytes.length;
        if (next > limit) {
          dropped.increment();
          return;
        }
      }
      put(line, length, end);
      put(LINE_SEPARATOR, LINE_SEPARATOR.length, end + length);
      end = next;
      published.lazySet(next);
    }

    private void put(byte[] from, int length, long at) {
      int start = (int) (at & mask);
      int first = Math.min(length, bytes.length - start);
      System.arraycopy(from, 0, bytes, start, first);
      if (first < length) {
        System.arraycopy(from, first, bytes, 0, length - first);
      }
    }
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

    void append(byte[] from, int offset, int count) {
      ensure(count);
      System.arraycopy(from, offset, bytes, length, count);
      length += count;
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
