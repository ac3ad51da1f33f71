package org.vhdspark.spark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap every 5 ms while a benchmark's query or write runs (the driver is the executor in
 * local mode): the highest use, and the highest left after a collection.
 */
final class HeapSampler {
  final AtomicLong peak = new AtomicLong();
  final AtomicLong afterGc = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  void start() {
    running = true;
    thread = new Thread(() -> {
      List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP).toList();
      while (running) {
        peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        long collected = 0;
        for (MemoryPoolMXBean pool : heap) {
          if (pool.getCollectionUsage() != null) {
            collected += pool.getCollectionUsage().getUsed();
          }
        }
        afterGc.accumulateAndGet(collected, Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
