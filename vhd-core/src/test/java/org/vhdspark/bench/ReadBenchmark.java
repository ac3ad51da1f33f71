package org.vhdspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/**
 * Read throughput of the resolved and delta views over big images: a harness that prints figures,
 * not a test. {@code bench/read-benchmark.sh} drives it and times qemu-img and libvhdi alongside.
 *
 * <pre>
 * ReadBenchmark generate DIR SIZE_MIB [SEED]   base.vhd, child1.vhd, child2.vhd into DIR
 * ReadBenchmark read DIR RUNS [CASE...]        per case: 3 warm-up reads, then RUNS timed reads
 * ReadBenchmark ab DIR PAIRS CASE_A CASE_B     the two cases alternated in one JVM, PAIRS times
 * ReadBenchmark sha256 IMAGE                   sha256 of the resolved disk, for cross-checks
 * </pre>
 *
 * <p>Every read opens the chain, reads the whole disk in order into one reused 2 MiB buffer and
 * folds one long per 4 KiB into a fingerprint (so the JIT cannot drop the read; other readers compute
 * the same one). {@code read} prints one tab-separated line per case: reader, image, virtual bytes,
 * the seconds of each timed run, fingerprint; then a "#" line of memory and allocation figures.
 */
public final class ReadBenchmark {
  private static final int BUFFER_SIZE = 2 << 20;
  private static final int PAGE_SIZE = 4096;
  private static final int FINGERPRINT_STRIDE = 4096;
  // The first read warms the page cache; the next ones let C2 compile the loops.
  private static final int WARMUP_RUNS = 3;

  private enum View { RESOLVED, DELTA }

  /** Heap; direct as {@code allocateDirect} gives it (malloc-aligned only); direct on a page boundary. */
  private enum Buffer { HEAP, DIRECT, ALIGNED }

  private record Case(String id, String reader, String image, View view, Buffer buffer) {
    String label() {
      return image + (view == View.DELTA ? " (delta)" : image.equals(BenchImages.BASE) ? "" : " (3-level chain)");
    }
  }

  private static final List<Case> CASES = List.of(
      new Case("base-heap", "vhd-spark resolved, heap buffer", BenchImages.BASE, View.RESOLVED, Buffer.HEAP),
      new Case("base-direct", "vhd-spark resolved, direct buffer", BenchImages.BASE, View.RESOLVED, Buffer.DIRECT),
      new Case("base-aligned", "vhd-spark resolved, page-aligned direct buffer", BenchImages.BASE, View.RESOLVED,
          Buffer.ALIGNED),
      new Case("chain-heap", "vhd-spark resolved, heap buffer", BenchImages.CHILD2, View.RESOLVED, Buffer.HEAP),
      new Case("chain-direct", "vhd-spark resolved, direct buffer", BenchImages.CHILD2, View.RESOLVED, Buffer.DIRECT),
      new Case("chain-aligned", "vhd-spark resolved, page-aligned direct buffer", BenchImages.CHILD2, View.RESOLVED,
          Buffer.ALIGNED),
      new Case("delta-heap", "vhd-spark delta, heap buffer", BenchImages.CHILD2, View.DELTA, Buffer.HEAP),
      new Case("delta-direct", "vhd-spark delta, direct buffer", BenchImages.CHILD2, View.DELTA, Buffer.DIRECT));

  private ReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    if (args.length >= 3 && args[0].equals("generate")) {
      long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
      Path dir = Files.createDirectories(Path.of(args[1]));
      new BenchImages(Long.parseLong(args[2]) << 20, seed).writeTo(dir);
    } else if (args.length >= 3 && args[0].equals("read")) {
      Path dir = Path.of(args[1]);
      int runs = Integer.parseInt(args[2]);
      List<String> ids = Arrays.asList(args).subList(3, args.length);
      for (Case c : CASES) {
        if (ids.isEmpty() || ids.contains(c.id())) {
          measure(dir, c, runs);
        }
      }
    } else if (args.length == 5 && args[0].equals("ab")) {
      abTest(Path.of(args[1]), Integer.parseInt(args[2]), find(args[3]), find(args[4]));
    } else if (args.length == 2 && args[0].equals("sha256")) {
      System.out.println(sha256(Path.of(args[1])) + "  " + args[1]);
    } else {
      System.err.println("usage: ReadBenchmark generate DIR SIZE_MIB [SEED] | read DIR RUNS [CASE...]"
          + " | ab DIR PAIRS CASE_A CASE_B | sha256 IMAGE");
      System.err.println("cases: " + CASES.stream().map(Case::id).collect(Collectors.joining(" ")));
      System.exit(2);
    }
  }

  private static void measure(Path dir, Case c, int runs) throws IOException {
    Path image = dir.resolve(c.image());
    ByteBuffer buffer = allocate(c.buffer());
    String[] warmups = new String[WARMUP_RUNS];
    long fingerprint = 0;
    for (int run = 0; run < WARMUP_RUNS; run++) {
      long start = System.nanoTime();
      fingerprint = readAll(image, c.view(), buffer);
      warmups[run] = seconds(start);
    }
    long size;
    long held;
    long closed = heapUsedAfterGc();
    try (VirtualDisk disk = open(image, c.view())) {
      size = disk.size();
      held = heapUsedAfterGc() - closed;
    }
    long before = heapUsedAfterGc();
    heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    long allocatedBefore = allocatedBytes();
    String[] timed = new String[runs];
    for (int run = 0; run < runs; run++) {
      long start = System.nanoTime();
      long again = readAll(image, c.view(), buffer);
      timed[run] = seconds(start);
      if (again != fingerprint) {
        throw new IllegalStateException(image + ": two reads of the same disk differ");
      }
    }
    long allocatedPerRun = (allocatedBytes() - allocatedBefore) / runs;
    System.out.printf("%s\t%s\t%d\t%s\t%016x%n", c.reader(), c.label(), size, String.join(",", timed), fingerprint);
    System.out.printf("# %s, %s: warm-up reads %s s; heap held by the open disk %,d bytes; heap after GC %.1f MiB,"
        + " peak while reading %.1f MiB; %,d bytes allocated per whole-disk read (open included)%n",
        c.reader(), c.label(), String.join(", ", warmups), held, before / 1048576.0, peakHeap() / 1048576.0,
        allocatedPerRun);
  }

  /**
   * Alternates two cases so that both see the same load: on a shared machine the comparison of two
   * buffers is only trustworthy this way. Cases of one buffer class keep the JIT's profiles clean.
   */
  private static void abTest(Path dir, int pairs, Case a, Case b) throws IOException {
    ByteBuffer bufferA = allocate(a.buffer());
    ByteBuffer bufferB = allocate(b.buffer());
    Path imageA = dir.resolve(a.image());
    Path imageB = dir.resolve(b.image());
    for (int run = 0; run < WARMUP_RUNS; run++) {
      readAll(imageA, a.view(), bufferA);
      readAll(imageB, b.view(), bufferB);
    }
    double[] secondsA = new double[pairs];
    double[] secondsB = new double[pairs];
    int bFaster = 0;
    for (int pair = 0; pair < pairs; pair++) {
      long start = System.nanoTime();
      readAll(imageA, a.view(), bufferA);
      long middle = System.nanoTime();
      readAll(imageB, b.view(), bufferB);
      secondsA[pair] = (middle - start) / 1e9;
      secondsB[pair] = (System.nanoTime() - middle) / 1e9;
      bFaster += secondsB[pair] < secondsA[pair] ? 1 : 0;
    }
    System.out.printf("%s against %s, %s: best %.3f s against %.3f s, median %.3f s against %.3f s;"
        + " the second faster in %d of %d interleaved pairs%n",
        b.reader(), a.reader(), b.label(), min(secondsB), min(secondsA), median(secondsB), median(secondsA), bFaster, pairs);
  }

  private static Case find(String id) {
    return CASES.stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no case " + id));
  }

  private static ByteBuffer allocate(Buffer kind) {
    return switch (kind) {
      case HEAP -> ByteBuffer.allocate(BUFFER_SIZE);
      case DIRECT -> ByteBuffer.allocateDirect(BUFFER_SIZE);
      case ALIGNED -> ByteBuffer.allocateDirect(BUFFER_SIZE + PAGE_SIZE).alignedSlice(PAGE_SIZE).limit(BUFFER_SIZE).slice();
    };
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static VirtualDisk open(Path image, View view) throws IOException {
    Location location = Location.of(image);
    VhdOptions options = VhdOptions.defaults();
    if (view == View.DELTA) {
      return VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, location, options));
    }
    return VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, location, options));
  }

  /** Opens the image and reads the whole disk; returns the XOR of the big-endian long at every 4 KiB. */
  private static long readAll(Path image, View view, ByteBuffer buffer) throws IOException {
    long fingerprint = 0;
    try (VirtualDisk disk = open(image, view)) {
      long size = disk.size();
      for (long offset = 0; offset < size; offset += buffer.capacity()) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), size - offset));
        disk.read(offset, buffer);
        int end = buffer.position();
        for (int i = 0; i < end; i += FINGERPRINT_STRIDE) {
          fingerprint ^= buffer.getLong(i);
        }
      }
    }
    return fingerprint;
  }

  private static String sha256(Path image) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    try (VirtualDisk disk = open(image, View.RESOLVED)) {
      for (long offset = 0; offset < disk.size(); offset += buffer.capacity()) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), disk.size() - offset));
        disk.read(offset, buffer);
        digest.update(buffer.flip());
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String seconds(long startNanos) {
    return String.format("%.3f", (System.nanoTime() - startNanos) / 1e9);
  }

  private static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Sum of the heap pools' peaks: an upper bound on the heap in use at any one time. */
  private static long peakHeap() {
    return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
  }

  private static long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
  }
}
