package org.vhdspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.AtomicOutput;
import org.vhdspark.write.ImageCreator;
import org.vhdspark.write.ImageSpec;
import org.vhdspark.write.VhdWriter;

/**
 * The main demo: makes a three-level snapshot chain of a 64 MiB disk with vhd-core, then reads it
 * with Spark in local mode: a scan of the resolved chain, the delta of the last snapshot, an
 * allocation map and a catalog; then writes with Spark: a child of the last snapshot from rows, and
 * the whole chain flattened into a fixed image. Usage: {@code SparkDemo [FOLDER]} (default: a new temporary folder).
 */
public final class SparkDemo {
  private static final long SIZE = 64L << 20;
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;

  private SparkDemo() {}

  public static void main(String[] args) throws IOException {
    Path folder = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("vhd-demo");
    Path top = makeChain(folder);
    System.out.println("Made a snapshot chain in " + folder + ": base.vhd <- monday.vhd <- tuesday.vhd (64 MiB disk)");

    SparkSession spark = SparkSession.builder().appName("vhd-demo").master("local[*]")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      String image = top.toUri().toString();

      Dataset<Row> sectors = spark.read().format("vhd").load(image);
      System.out.println("\n1. The resolved disk of tuesday.vhd: one row per allocated sector, with the layer that holds it");
      sectors.printSchema();
      sectors.groupBy(col("_layer"), col("_layer_path")).agg(count("*").as("sectors"))
          .orderBy("_layer").show(false);

      System.out.println("2. What changed on tuesday (view=delta: the image's own sectors, no parent needed)");
      Dataset<Row> delta = spark.read().format("vhd").option("view", "delta").load(image);
      System.out.println("   " + delta.count() + " sectors; the first ones:");
      delta.select("sector", "block").orderBy("sector").show(5);

      System.out.println("3. Allocation map of the chain (bitmaps and BATs only, no data read)");
      spark.read().format("vhd").option("output", "allocation").load(image)
          .groupBy("layer_path").agg(sum("sector_count").as("sectors"), count("*").as("runs")).show(false);

      System.out.println("4. Catalog of every image in the folder");
      spark.read().format("vhd").option("output", "catalog").option("pathGlobFilter", "*.vhd")
          .load(folder.toUri().toString())
          .select("path", "type", "virtual_size", "block_size", "chain_depth", "parent_path")
          .orderBy("chain_depth").show(false);

      System.out.println("5. Spark writes a child of tuesday.vhd: wednesday.vhd, from rows (sector, bytes)");
      // Wednesday wipes the first MiB (rows of zeros hide tuesday's data) and writes a new 1 MiB file at 48 MiB.
      Dataset<Row> changes = spark.range(2048).selectExpr("id AS sector", "unhex(repeat('00', 512)) AS bytes")
          .union(spark.range(2048).selectExpr("(48 * 2048) + id AS sector", "unhex(repeat('5a', 512)) AS bytes"));
      String wednesday = folder.resolve("wednesday.vhd").toUri().toString();
      changes.write().format("vhd").mode("overwrite").option("parent", image).save(wednesday);
      spark.read().format("vhd").load(wednesday)
          .groupBy(col("_layer"), col("_layer_path")).agg(count("*").as("sectors")).orderBy("_layer").show(false);

      System.out.println("6. ... and flattens the chain into one fixed image: what `vhd convert` does, on a cluster");
      String flat = folder.resolve("wednesday-flat.vhd").toUri().toString();
      spark.read().format("vhd").load(wednesday).write().format("vhd").mode("overwrite")
          .option("type", "fixed").option("size", Long.toString(SIZE)).save(flat);
      spark.read().format("vhd").option("output", "catalog").load(flat)
          .select("path", "type", "virtual_size", "file_size", "chain_depth").show(false);
    } finally {
      spark.stop();
    }
  }

  private static Path makeChain(Path folder) throws IOException {
    Random random = new Random(2026);
    Location base = Location.of(folder.resolve("base.vhd"));
    create(base, null);
    write(base, random, 0, 4 << 20);                 // a "boot" area
    write(base, random, 16L << 20, 8 << 20);         // some files
    Location monday = Location.of(folder.resolve("monday.vhd"));
    create(monday, base);
    write(monday, random, 17L << 20, 300_000);       // a partial rewrite
    write(monday, random, 40L << 20, 2 << 20);       // a new file
    Location tuesday = Location.of(folder.resolve("tuesday.vhd"));
    create(tuesday, monday);
    write(tuesday, random, 4096, 8192);              // a few sectors of metadata
    write(tuesday, random, (40L << 20) + 1_000_000, 50_000);
    return tuesday.toPath();
  }

  private static void create(Location image, Location parent) throws IOException {
    if (Files.exists(image.toPath())) {
      Files.delete(image.toPath());
    }
    if (parent == null) {
      AtomicOutput.write(STORE, image, file -> {
        ImageCreator.create(file, ImageSpec.dynamic(SIZE));
        return null;
      });
      return;
    }
    try (VhdChain chain = VhdChain.openImageOnly(STORE, parent, VhdOptions.defaults())) {
      AtomicOutput.write(STORE, image, file -> {
        ImageCreator.create(file, ImageSpec.childOf(chain.image(), parent, image));
        return null;
      });
    }
  }

  private static void write(Location image, Random random, long offset, int length) throws IOException {
    byte[] data = new byte[length];
    random.nextBytes(data);
    try (VhdWriter writer = VhdWriter.open(STORE, image, VhdOptions.defaults())) {
      writer.write(offset, ByteBuffer.wrap(data));
    }
  }
}
