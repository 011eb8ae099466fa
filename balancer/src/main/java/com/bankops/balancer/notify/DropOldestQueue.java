package com.bankops.balancer.notify;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * A bounded FIFO that never refuses: offering to a full queue evicts the oldest element and hands
 * it back, so the caller can count it. Publishers on any thread offer; one consumer polls. The lock
 * is held only for an array operation, never across I/O.
 */
final class DropOldestQueue<T> {
  private final int capacity;
  private final ArrayDeque<T> items;

  DropOldestQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.items = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /** Adds {@code item}; returns the element evicted to make room, if any. */
  synchronized Optional<T> offer(T item) {
    T evicted = items.size() >= capacity ? items.pollFirst() : null;
    items.addLast(item);
    return Optional.ofNullable(evicted);
  }

  synchronized Optional<T> poll() {
    return Optional.ofNullable(items.pollFirst());
  }

  synchronized int size() {
    return items.size();
  }

  /** Empties the queue; returns how many were waiting. */
  synchronized int clear() {
    int n = items.size();
    items.clear();
    return n;
  }
}
