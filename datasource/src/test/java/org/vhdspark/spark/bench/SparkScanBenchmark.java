package org.vhdspark.spark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.crc32;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.ImageAssembler;
import org.vhdspark.write.ImageSpec;
import scala.collection.JavaConverters;

/**
 * The Spark scan benchmark (not a test): for each chain size, a 3-level chain (base &lt;- child1 &lt;-
 * child2) made with vhd-core's {@link ImageAssembler} (reused when present), then in one local[2]
 * session: vhd count(), vhd sum(crc32(bytes)) with 1 and 128 sectors per row, the same rows written
 * once to Parquet, then Parquet count() and sum(crc32(bytes)). Prints one TSV line per query: size,
 * query, best seconds, rows, rows/s, peak heap used, max heap after GC, dataBytesRead.
 *
 * <p>Usage: {@code SparkScanBenchmark SCRATCH_DIR RUNS SIZE_MIB...}. See bench/spark-benchmark.sh.
 */
public final class SparkScanBenchmark {
  private static final int BLOCK_SIZE = VhdFormat.DEFAULT_BLOCK_SIZE;
  private static final int BITMAP_BYTES = VhdFormat.bitmapBytes(BLOCK_SIZE);
  private static final int CLUSTERS_PER_BLOCK = BLOCK_SIZE / VhdFormat.SECTOR_SIZE / 8;
  private static final long SEED = 1;

  private SparkScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SparkScanBenchmark SCRATCH_DIR RUNS SIZE_MIB...");
      System.exit(2);
    }
    Path scratch = Path.of(args[0]).toAbsolutePath();
    int runs = Integer.parseInt(args[1]);
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("vhd-spark scan benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    System.out.println("size_mib\tquery\tbest_s\trows\trows_per_s\tMB_per_s\tpeak_heap_mib\tmax_heap_after_gc_mib\tdataBytesRead\tresult");
    try {
      for (int i = 2; i < args.length; i++) {
        long sizeMib = Long.parseLong(args[i]);
        Path dir = scratch.resolve("chain-" + sizeMib + "m");
        Path top = makeChain(dir, sizeMib << 20);
        runQueries(spark, sizeMib, top, dir.resolve("parquet"), runs);
      }
    } finally {
      spark.stop();
    }
  }

  private static void runQueries(SparkSession spark, long sizeMib, Path top, Path parquet, int runs) throws IOException {
    String image = top.toString();
    Supplier<Dataset<Row>> vhd = () -> spark.read().format("vhd").load(image);
    Supplier<Dataset<Row>> vhd128 = () -> spark.read().format("vhd").option("sectorsPerRow", "128").load(image);
    long rows = measure(sizeMib, "vhd count()", runs, 0, -1, () -> vhd.get().groupBy().count());
    long rows128 = vhd128.get().count();
    measure(sizeMib, "vhd sum(crc32(bytes))", runs, 512, rows, () -> vhd.get().agg(sum(crc32(col("bytes")))));
    measure(sizeMib, "vhd sum(crc32(bytes)) sectorsPerRow=128", runs, 65536, rows128, () -> vhd128.get().agg(sum(crc32(col("bytes")))));

    if (!Files.exists(parquet.resolve("_SUCCESS"))) {
      long start = System.nanoTime();
      vhd.get().select("path", "block", "sector", "bytes").write().mode("overwrite").parquet(parquet.toString());
      System.out.printf(Locale.ROOT, "%d\tparquet write (once, not a query)\t%.2f\t\t\t\t\t\t\t%s%n", sizeMib,
          (System.nanoTime() - start) / 1e9, Files.walk(parquet).filter(Files::isRegularFile).mapToLong(SparkScanBenchmark::size).sum() + " bytes on disk");
    }
    String pq = parquet.toString();
    measure(sizeMib, "parquet count()", runs, 0, -1, () -> spark.read().parquet(pq).groupBy().count());
    measure(sizeMib, "parquet sum(crc32(bytes))", runs, 512, rows, () -> spark.read().parquet(pq).agg(sum(crc32(col("bytes")))));
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Runs the one-row query {@code runs} times (after one untimed warm-up) and prints the best time,
   * the highest heap use sampled every 5 ms and the highest heap left after a GC, over all runs.
   */
  private static long measure(long sizeMib, String name, int runs, long bytesPerRow, long knownRows, Supplier<Dataset<Row>> query) {
    query.get().collectAsList();
    double best = Double.MAX_VALUE;
    Object result = null;
    long rows = -1;
    HeapSampler sampler = new HeapSampler();
    Map<String, Long> metrics = Map.of();
    for (int run = 0; run < runs; run++) {
      System.gc();
      sampler.start();
      Dataset<Row> q = query.get();
      long start = System.nanoTime();
      Row row = q.collectAsList().get(0);
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
      sampler.stop();
      result = row.get(0);
      metrics = scanMetrics(q);
    }
    rows = knownRows >= 0 ? knownRows : ((Number) result).longValue();
    String dataBytes = metrics.containsKey("dataBytesRead") ? Long.toString(metrics.get("dataBytesRead")) : "";
    System.out.printf(Locale.ROOT, "%d\t%s\t%.2f\t%s\t%s\t%s\t%d\t%d\t%s\t%s%n", sizeMib, name, best,
        rows < 0 ? "" : Long.toString(rows), rows < 0 ? "" : String.format(Locale.ROOT, "%.0f", rows / best),
        bytesPerRow == 0 || rows < 0 ? "" : String.format(Locale.ROOT, "%.0f", rows * bytesPerRow / best / 1e6),
        sampler.peak.get() >> 20, sampler.afterGc.get() >> 20, dataBytes, result);
    return rows;
  }

  private static Map<String, Long> scanMetrics(Dataset<Row> query) {
    List<BatchScanExec> scans = new ArrayList<>();
    collect(query.queryExecution().executedPlan(), scans);
    Map<String, Long> values = new TreeMap<>();
    for (BatchScanExec scan : scans) {
      JavaConverters.mapAsJavaMap(scan.metrics()).forEach((key, metric) -> values.put(key, metric.value()));
    }
    return values;
  }

  private static void collect(SparkPlan plan, List<BatchScanExec> scans) {
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), scans);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), scans);
    } else if (plan instanceof BatchScanExec scan) {
      scans.add(scan);
    } else {
      for (SparkPlan child : JavaConverters.seqAsJavaList(plan.children())) {
        collect(child, scans);
      }
    }
  }


  // ---- the chain: base (half the blocks, full) <- child1 <- child2 (40% of blocks, scattered 4 KiB runs)

  /** Makes (or reuses) the chain in {@code dir}; returns the top image. */
  static Path makeChain(Path dir, long size) throws IOException {
    Files.createDirectories(dir);
    String[] names = {"base.vhd", "child1.vhd", "child2.vhd"};
    Path top = dir.resolve(names[2]);
    if (Files.exists(top)) {
      System.err.println("reusing " + dir);
      return top;
    }
    for (int layer = 0; layer < 3; layer++) {
      long start = System.nanoTime();
      Path file = dir.resolve(names[layer]);
      Path partial = dir.resolve(names[layer] + ".partial");
      Files.deleteIfExists(partial);
      ImageSpec spec;
      if (layer == 0) {
        spec = ImageSpec.dynamic(size);
      } else {
        Path parent = dir.resolve(names[layer - 1]);
        try (VhdChain chain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(parent), VhdOptions.defaults())) {
          spec = ImageSpec.childOf(chain.image(), Location.of(parent), Location.of(file));
        }
      }
      try (LocalFile out = LocalFile.create(partial)) {
        ImageAssembler assembler = ImageAssembler.begin(out, spec);
        byte[] data = new byte[BLOCK_SIZE];
        ByteBuffer view = ByteBuffer.wrap(data);
        for (int block = 0; block < spec.blockCount(); block++) {
          byte[] bitmap = bitmap(layer, block);
          if (bitmap == null) {
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
    return top;
  }

  /** The bitmap of {@code block} in layer 0 (base), 1 or 2, or null when the layer leaves it unallocated. */
  private static byte[] bitmap(int layer, int block) {
    SplittableRandom random = random(layer, block, 0);
    byte[] bitmap = new byte[BITMAP_BYTES];
    if (layer == 0) {
      if (random.nextDouble() >= 0.5) {
        return null;
      }
      Arrays.fill(bitmap, 0, CLUSTERS_PER_BLOCK, (byte) 0xFF);
      return bitmap;
    }
    if (random.nextDouble() >= 0.4) {
      return null;
    }
    for (int run = 0; run < 10; run++) {
      int first = random.nextInt(CLUSTERS_PER_BLOCK);
      int end = Math.min(CLUSTERS_PER_BLOCK, first + 1 + random.nextInt(32));
      Arrays.fill(bitmap, first, end, (byte) 0xFF);
    }
    return bitmap;
  }

  private static SplittableRandom random(int layer, int block, int purpose) {
    return new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + layer * 1_000_003L + block * 31L + purpose);
  }
}
