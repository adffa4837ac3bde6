package io.stableserve.sim;

import java.util.Arrays;

/** A growable ring buffer of ints: the engine's waiting queue, without boxing. */
final class IntDeque {

  private int[] items;
  private int head;
  private int size;

  IntDeque(int capacity) {
    items = new int[Math.max(4, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1)];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(int value) {
    grow();
    items[(head + size) & (items.length - 1)] = value;
    size++;
  }

  void addFirst(int value) {
    grow();
    head = (head - 1) & (items.length - 1);
    items[head] = value;
    size++;
  }

  int peekFirst() {
    if (size == 0) {
      throw new IllegalStateException("queue is empty");
    }
    return items[head];
  }

  int pollFirst() {
    int value = peekFirst();
    head = (head + 1) & (items.length - 1);
    size--;
    return value;
  }

  /** The i-th element from the front. */
  int get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return items[(head + i) & (items.length - 1)];
  }

  private void grow() {
    if (size < items.length) {
      return;
    }
    int[] bigger = new int[items.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = items[(head + i) & (items.length - 1)];
    }
    items = bigger;
    head = 0;
  }

  @Override
  public String toString() {
    int[] copy = new int[size];
    for (int i = 0; i < size; i++) {
      copy[i] = get(i);
    }
    return Arrays.toString(copy);
  }
}
