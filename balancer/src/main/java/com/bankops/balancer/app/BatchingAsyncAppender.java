package com.bankops.balancer.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
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
 * queue is empty. Lines reach stdout at most that much later.
 *
 * <p>Like the {@code neverBlock} AsyncAppender it replaces, a full queue drops lines (counted)
 * rather than delay the event loop. Caller data (thread name, formatted message, MDC) is fixed on
 * the calling thread.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private final LongAdder dropped = new LongAdder();
  private int queueSize = 8192;
  private long flushIntervalMs = 5;
  private int maxBatch = 1024;
  private ArrayBlockingQueue<ILoggingEvent> queue;
  private Thread worker;
  private volatile boolean running;

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setFlushIntervalMs(long flushIntervalMs) {
    this.flushIntervalMs = flushIntervalMs;
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
    if (queueSize < 1 || flushIntervalMs < 1 || maxBatch < 1) {
      addError("queueSize, flushIntervalMs and maxBatch must be at least 1");
      return;
    }
    queue = new ArrayBlockingQueue<>(queueSize);
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

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      dropped.increment();
    }
  }

  private void drainLoop() {
    List<ILoggingEvent> batch = new ArrayList<>(maxBatch);
    long parkNanos = TimeUnit.MILLISECONDS.toNanos(flushIntervalMs);
    while (running) {
      if (queue.drainTo(batch, maxBatch) == 0) {
        LockSupport.parkNanos(this, parkNanos);
        continue;
      }
      write(batch);
    }
    while (queue.drainTo(batch, maxBatch) > 0) { // what was queued before stop
      write(batch);
    }
  }

  private void write(List<ILoggingEvent> batch) {
    for (ILoggingEvent e : batch) {
      try {
        appenders.appendLoopOnAppenders(e);
      } catch (RuntimeException ex) {
        addError("appending failed", ex);
      }
    }
    batch.clear();
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> newAppender) {
    appenders.addAppender(newAppender);
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
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }
}
