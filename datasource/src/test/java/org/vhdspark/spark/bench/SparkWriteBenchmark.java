package org.vhdspark.spark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.crc32;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.spark.VhdWriteReport;
import org.vhdspark.spark.VhdWrites;
import org.vhdspark.write.ImageAssembler;
import org.vhdspark.write.ImageSpec;

/**
 * The Spark write benchmark (not a test): for each data size, a parent (dynamic, twice the data's
 * size, half its 2 MiB blocks allocated) and a differencing child of it holding exactly the data
 * (whole blocks of random data), made with vhd-core's {@link ImageAssembler} (reused when present).
 * The child's delta view ({@code sector}, {@code bytes}, one sector per row unless told otherwise)
 * is the DataFrame written, in one local[2] session, by these writes, alternated run by run:
 *
 * <ul>
 *   <li>{@code vhd child}: {@code df.write.format("vhd").option("parent", parent).mode("overwrite")};
 *   <li>{@code parquet}: {@code df.write.mode("overwrite").parquet(...)} of the same rows;
 *   <li>{@code parquet, shuffled as vhd}: the same after {@code repartition(sector div
 *       sectorsPerBlock).sortWithinPartitions(sector)}, the shuffle and sort the vhd write does;
 *   <li>{@code noop (input only)}: Spark's {@code noop} sink: what producing the rows costs.
 * </ul>
 *
 * <p>{@code WARMUP} untimed rounds of every write come first, at the first size only (the later
 * sizes run in the same, warm JVM). Each run starts with its output deleted and the page cache's
 * dirty pages written back ({@code sync}, untimed); the {@code sync} after the run is timed apart
 * ({@code sync_after_s}): the vhd write syncs its image before it returns, Parquet leaves its files
 * to the page cache. Prints one TSV line per write and size: best and every run's seconds, GB/s of
 * input data, the ratio to {@code parquet}, the best run's time to its first stage, its stages and
 * the time after its last job (the commit), bytes shuffled and spilled, peak heap and heap after GC,
 * GC time, and for vhd the {@link VhdWriteReport}. Then the checks (outside the timing): the written
 * child's delta rows against the input's (count, sum of sectors, sum of crc32), the resolved count,
 * the Parquet copies' rows; and the process's peak resident memory.
 *
 * <p>Usage: {@code SparkWriteBenchmark SCRATCH_DIR RUNS WARMUP SECTORS_PER_ROW SHUFFLE_PARTITIONS
 * WRITES SIZE_MIB...}, WRITES a comma-separated list of {@code vhd}, {@code parquet},
 * {@code shuffled}, {@code noop}, in the order they run in each round. See
 * bench/spark-write-benchmark.sh.
 */
public final class SparkWriteBenchmark {
  private static final int BLOCK_SIZE = VhdFormat.DEFAULT_BLOCK_SIZE;
  private static final int BITMAP_BYTES = VhdFormat.bitmapBytes(BLOCK_SIZE);
  private static final int SECTORS_PER_BLOCK = BLOCK_SIZE / VhdFormat.SECTOR_SIZE;
  private static final long SEED = 2;

  private SparkWriteBenchmark() {}

  /** One of the writes compared: its key in WRITES, its name, its output (null for none). */
  private record Variant(String key, String name, Path output, Runnable write) {}

  /** What one run measured. */
  private record Run(double seconds, double syncAfter, double beforeStages, List<StageInfo> stages, double afterJobs,
      long shuffleBytes, long spillBytes, long peakHeap, long heapAfterGc, double gcSeconds, VhdWriteReport report) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 7) {
      System.err.println("usage: SparkWriteBenchmark SCRATCH_DIR RUNS WARMUP SECTORS_PER_ROW SHUFFLE_PARTITIONS WRITES SIZE_MIB...");
      System.exit(2);
    }
    Path scratch = Path.of(args[0]).toAbsolutePath();
    int runs = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int sectorsPerRow = Integer.parseInt(args[3]);
    String shufflePartitions = args[4];
    List<String> writes = List.of(args[5].split(","));
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("vhd-spark write benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", shufflePartitions)
        .config("spark.local.dir", scratch.resolve("spark-local").toString())
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    StageLog log = new StageLog();
    spark.sparkContext().addSparkListener(log);
    System.out.println("size_mib\twrite\tbest_s\truns_s\tGB_per_s\tvs_parquet\tsync_after_s\tbefore_stages_s\tstages_s (best run)\t"
        + "after_jobs_s\tshuffled_MiB\tspilled_MiB\tpeak_heap_mib\tmax_heap_after_gc_mib\tgc_s\treport");
    try {
      for (int i = 6; i < args.length; i++) {
        long sizeMib = Long.parseLong(args[i]);
        if (sizeMib <= 0 || sizeMib % (BLOCK_SIZE >> 20) != 0) {
          throw new IllegalArgumentException("SIZE_MIB must be a positive multiple of " + (BLOCK_SIZE >> 20) + ": " + sizeMib);
        }
        Path dir = scratch.resolve("write-" + sizeMib + "m");
        Path[] images = makeImages(dir, sizeMib << 20);
        // Warm-up rounds at the first size only: the later sizes run in the same, warm JVM.
        runWrites(spark, log, sizeMib, images[0], images[1], dir, runs, i == 6 ? warmup : 0, sectorsPerRow, writes);
      }
    } finally {
      spark.stop();
    }
  }

  private static void runWrites(SparkSession spark, StageLog log, long sizeMib, Path parent, Path input, Path dir, int runs,
      int warmup, int sectorsPerRow, List<String> writes) throws Exception {
    Dataset<Row> df = spark.read().format("vhd").option("view", "delta").option("sectorsPerRow", Integer.toString(sectorsPerRow))
        .load(input.toString()).select("sector", "bytes");
    long dataBytes = sizeMib << 20;
    Path vhdOut = dir.resolve("out.vhd");
    Path parquetOut = dir.resolve("out-parquet");
    Path shuffledOut = dir.resolve("out-parquet-shuffled");
    List<Variant> all = List.of(
        new Variant("vhd", "vhd child", vhdOut, () -> df.write().format("vhd").option("parent", parent.toString())
            .mode(SaveMode.Overwrite).save(vhdOut.toString())),
        new Variant("parquet", "parquet", parquetOut, () -> df.write().mode(SaveMode.Overwrite).parquet(parquetOut.toString())),
        new Variant("shuffled", "parquet, shuffled as vhd", shuffledOut, () -> df.repartition(expr("sector div " + SECTORS_PER_BLOCK))
            .sortWithinPartitions("sector").write().mode(SaveMode.Overwrite).parquet(shuffledOut.toString())),
        new Variant("noop", "noop (input only)", null, () -> df.write().format("noop").mode(SaveMode.Overwrite).save()));
    List<Variant> variants = all.stream().filter(v -> writes.contains(v.key())).toList();
    if (variants.size() != writes.size()) {
      throw new IllegalArgumentException("WRITES: expected some of " + all.stream().map(Variant::key).toList() + ", found " + writes);
    }

    for (int round = 0; round < warmup; round++) {
      for (Variant variant : variants) {
        long start = System.nanoTime();
        measure(spark, log, variant);
        System.err.printf(Locale.ROOT, "%d MiB: warm-up %s %.1f s%n", sizeMib, variant.name(), (System.nanoTime() - start) / 1e9);
      }
    }
    List<List<Run>> results = new ArrayList<>();
    variants.forEach(v -> results.add(new ArrayList<>()));
    for (int round = 0; round < runs; round++) {
      for (int v = 0; v < variants.size(); v++) {
        Run run = measure(spark, log, variants.get(v));
        results.get(v).add(run);
        System.err.printf(Locale.ROOT, "%d MiB: run %d %s %.2f s%n", sizeMib, round + 1, variants.get(v).name(), run.seconds());
      }
    }
    int anchor = writes.indexOf("parquet");
    double parquetBest = anchor < 0 ? Double.NaN : best(results.get(anchor)).seconds();
    for (int v = 0; v < variants.size(); v++) {
      List<Run> timed = results.get(v);
      Run best = best(timed);
      String stages = best.stages().stream()
          .map(s -> String.format(Locale.ROOT, "%.1f", stageSeconds(s)) + " (" + s.numTasks() + " tasks)")
          .collect(Collectors.joining(" + "));
      VhdWriteReport report = best.report();
      String reportText = report == null ? "" : "join=" + report.join() + ", fragments=" + report.fragments() + ", imageBytes="
          + report.imageBytes() + ", bytesCopiedByDriver=" + report.bytesCopiedByDriver();
      System.out.printf(Locale.ROOT, "%d\t%s\t%.2f\t%s\t%.3f\t%.2f\t%.2f\t%.2f\t%s\t%.2f\t%d\t%d\t%d\t%d\t%.2f\t%s%n", sizeMib,
          variants.get(v).name(), best.seconds(),
          timed.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.seconds())).collect(Collectors.joining(" ")),
          dataBytes / best.seconds() / 1e9, best.seconds() / parquetBest, best.syncAfter(), best.beforeStages(), stages, best.afterJobs(),
          best.shuffleBytes() >> 20, best.spillBytes() >> 20, best.peakHeap() >> 20, best.heapAfterGc() >> 20, best.gcSeconds(),
          reportText);
    }
    check(spark, sizeMib, df, input, variants, sectorsPerRow);
  }

  private static Run best(List<Run> runs) {
    return runs.stream().min(Comparator.comparingDouble(Run::seconds)).orElseThrow();
  }

  private static double stageSeconds(StageInfo stage) {
    return ((Long) stage.completionTime().get() - (Long) stage.submissionTime().get()) / 1e3;
  }

  /** One timed write: its output deleted and dirty pages written back first, untimed. */
  private static Run measure(SparkSession spark, StageLog log, Variant variant) throws Exception {
    if (variant.output() != null) {
      delete(variant.output());
    }
    sync();
    System.gc();
    drain(spark);
    log.clear();
    HeapSampler sampler = new HeapSampler();
    double gcBefore = gcSeconds();
    sampler.start();
    long startMillis = System.currentTimeMillis();
    long start = System.nanoTime();
    variant.write().run();
    double seconds = (System.nanoTime() - start) / 1e9;
    long endMillis = System.currentTimeMillis();
    sampler.stop();
    double gc = gcSeconds() - gcBefore;
    long syncStart = System.nanoTime();
    sync();
    double syncAfter = (System.nanoTime() - syncStart) / 1e9;
    drain(spark);
    List<StageInfo> stages = log.stages.stream()
        .filter(s -> s.submissionTime().isDefined() && (Long) s.submissionTime().get() >= startMillis)
        .sorted(Comparator.comparingInt(StageInfo::stageId)).toList();
    long lastJobEnd = log.jobEnds.stream().mapToLong(Long::longValue).filter(t -> t >= startMillis).max().orElse(startMillis);
    long shuffled = stages.stream().mapToLong(s -> s.taskMetrics().shuffleWriteMetrics().bytesWritten()).sum();
    long spilled = stages.stream().mapToLong(s -> s.taskMetrics().diskBytesSpilled()).sum();
    VhdWriteReport report = variant.key().equals("vhd") ? VhdWrites.lastReport(spark).orElseThrow() : null;
    long firstStage = stages.stream().mapToLong(s -> (Long) s.submissionTime().get()).min().orElse(endMillis);
    return new Run(seconds, syncAfter, (firstStage - startMillis) / 1e3, stages, (endMillis - lastJobEnd) / 1e3, shuffled, spilled,
        sampler.peak.get(), sampler.afterGc.get(), gc, report);
  }

  /**
   * Outside the timing: the last outputs hold the input's rows (count, sum of sectors, sum of
   * crc32; the child read back with the input's sectors per row, which gives the same rows since
   * both hold whole blocks), and the written child resolves through the parent to as many rows as
   * the input child.
   */
  private static void check(SparkSession spark, long sizeMib, Dataset<Row> df, Path input, List<Variant> variants,
      int sectorsPerRow) {
    // Parquet's vectorized reader takes 4,096 rows a batch: 256 MiB per task with 64 KiB rows.
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", "false");
    Row in = summary(df);
    StringBuilder found = new StringBuilder("input delta (rows, sum(sector), sum(crc32(bytes))) " + in);
    boolean ok = true;
    for (Variant variant : variants) {
      if (variant.output() == null) {
        continue;
      }
      String out = variant.output().toString();
      Row written = summary(variant.key().equals("vhd")
          ? spark.read().format("vhd").option("view", "delta").option("sectorsPerRow", Integer.toString(sectorsPerRow)).load(out)
          : spark.read().parquet(out));
      ok &= in.equals(written);
      found.append("; ").append(variant.name()).append(' ').append(written);
      if (variant.key().equals("vhd")) {
        long resolvedIn = spark.read().format("vhd").load(input.toString()).count();
        long resolvedOut = spark.read().format("vhd").load(out).count();
        ok &= resolvedIn == resolvedOut;
        found.append(String.format(Locale.ROOT, "; resolved rows: input %d, written child %d", resolvedIn, resolvedOut));
      }
    }
    spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
    System.out.printf(Locale.ROOT, "%d\tcheck: %s\t%s; VmHWM %s%n", sizeMib, ok ? "OK" : "MISMATCH", found, peakResident());
    if (!ok) {
      throw new IllegalStateException("the written data differ from the input");
    }
  }

  private static Row summary(Dataset<Row> rows) {
    return rows.agg(count(lit(1)), sum(col("sector")), sum(crc32(col("bytes")))).first();
  }

  private static String peakResident() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines.filter(l -> l.startsWith("VmHWM:")).map(l -> l.substring(6).trim()).findFirst().orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static double gcSeconds() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum() / 1e3;
  }

  private static void drain(SparkSession spark) throws TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
  }

  private static void sync() throws IOException, InterruptedException {
    int status = new ProcessBuilder("sync").inheritIO().start().waitFor();
    if (status != 0) {
      throw new IOException("sync exited with " + status);
    }
  }

  private static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Stages completed and job end times, as Spark's listener bus delivers them. */
  private static final class StageLog extends SparkListener {
    final ConcurrentLinkedQueue<StageInfo> stages = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> jobEnds = new ConcurrentLinkedQueue<>();

    void clear() {
      stages.clear();
      jobEnds.clear();
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted completed) {
      stages.add(completed.stageInfo());
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      jobEnds.add(end.time());
    }
  }


  // ---- the images: parent (dynamic, half the blocks, full) <- input (whole blocks holding the data)

  /** Makes (or reuses) {@code parent.vhd} and {@code input.vhd} in {@code dir}; returns them. */
  static Path[] makeImages(Path dir, long dataBytes) throws IOException {
    Files.createDirectories(dir);
    Path parent = dir.resolve("parent.vhd");
    Path input = dir.resolve("input.vhd");
    if (Files.exists(input)) {
      System.err.println("reusing " + dir);
      return new Path[] {parent, input};
    }
    long size = 2 * dataBytes;
    int blocks = (int) (size / BLOCK_SIZE);
    boolean[] inChild = choose(blocks, (int) (dataBytes / BLOCK_SIZE));
    for (int layer = 0; layer < 2; layer++) {
      long start = System.nanoTime();
      Path file = layer == 0 ? parent : input;
      Path partial = dir.resolve(file.getFileName() + ".partial");
      Files.deleteIfExists(partial);
      ImageSpec spec;
      if (layer == 0) {
        spec = ImageSpec.dynamic(size);
      } else {
        try (VhdChain chain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(parent), VhdOptions.defaults())) {
          spec = ImageSpec.childOf(chain.image(), Location.of(parent), Location.of(file));
        }
      }
      byte[] bitmap = new byte[BITMAP_BYTES];
      Arrays.fill(bitmap, 0, SECTORS_PER_BLOCK / 8, (byte) 0xFF);
      try (LocalFile out = LocalFile.create(partial)) {
        ImageAssembler assembler = ImageAssembler.begin(out, spec);
        byte[] data = new byte[BLOCK_SIZE];
        ByteBuffer view = ByteBuffer.wrap(data);
        for (int block = 0; block < spec.blockCount(); block++) {
          boolean allocated = layer == 0 ? random(layer, block, 0).nextDouble() < 0.5 : inChild[block];
          if (!allocated) {
            continue;
          }
          SplittableRandom random = random(layer, block, 1);
          for (int i = 0; i < data.length; i += Long.BYTES) {
            view.putLong(i, random.nextLong());
          }
          assembler.addBlock(block, ByteBuffer.wrap(bitmap), ByteBuffer.wrap(data));
        }
        assembler.finish();
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      System.err.printf(Locale.ROOT, "made %s (%d MiB on disk) in %.1f s%n", file, Files.size(file) >> 20, (System.nanoTime() - start) / 1e9);
    }
    return new Path[] {parent, input};
  }

  /** Exactly {@code count} of {@code blocks} blocks, chosen at random (a seeded partial shuffle). */
  private static boolean[] choose(int blocks, int count) {
    int[] order = new int[blocks];
    Arrays.setAll(order, i -> i);
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(blocks - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    boolean[] chosen = new boolean[blocks];
    for (int i = 0; i < count; i++) {
      chosen[order[i]] = true;
    }
    return chosen;
  }

  private static SplittableRandom random(int layer, int block, int purpose) {
    return new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + layer * 1_000_003L + block * 31L + purpose);
  }
}
