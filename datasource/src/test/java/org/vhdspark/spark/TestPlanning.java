package org.vhdspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Partitions follow the BATs and maxPartitionBytes; filters prune them; metrics tell what was read. */
@ExtendWith(SharedSpark.class)
class TestPlanning {
  private static final int BLOCK = 512 * 1024;
  private static final int SECTORS_PER_BLOCK = BLOCK / 512;
  /** Blocks of the base that hold data; the child adds block 20 and rewrites part of block 41. */
  private static final int[] BASE_BLOCKS = {0, 1, 2, 10, 11, 40, 41, 42, 43, 44, 45, 46, 47, 63};

  @TempDir
  static Path dir;
  private static Path base;
  private static Path child;

  @BeforeAll
  static void makeImages() throws IOException {
    base = Images.dynamic(dir.resolve("base.vhd"), 64L * BLOCK, BLOCK);
    for (int block : BASE_BLOCKS) {
      Images.write(base, (long) block * BLOCK + 4096, new byte[] {(byte) block, 1, 2, 3});
    }
    child = Images.child(base, dir.resolve("child.vhd"));
    byte[] fives = new byte[1024];
    java.util.Arrays.fill(fives, (byte) 5);
    Images.write(child, 20L * BLOCK, fives);
    Images.write(child, 41L * BLOCK + 4096, new byte[] {9});
  }

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd");
  }

  /** The blocks of each partition, from the rows (spark_partition_id), as "first..last". */
  private static List<String> partitionBlocks(Dataset<Row> rows) {
    return rows.groupBy(spark_partition_id().as("p")).agg(min("block"), max("block")).orderBy("p").collectAsList().stream()
        .map(r -> r.getLong(1) + ".." + r.getLong(2)).toList();
  }

  @Test
  void partitionsHoldAllocatedBlocksUpToMaxPartitionBytes() {
    Dataset<Row> rows = vhd().option("maxPartitionBytes", Integer.toString(2 * BLOCK)).load(base.toString());
    assertThat(partitionBlocks(rows)).containsExactly("0..1", "2..10", "11..40", "41..42", "43..44", "45..46", "47..63");
    List<VhdInputPartition> partitions = ScanMetrics.partitions(rows.select("sector"));
    assertThat(partitions).hasSize(7);
    assertThat(partitions.get(1).slices()).singleElement().satisfies(slice -> {
      assertThat(slice.blockRanges()).containsExactly(2, 3, 10, 11);
      assertThat(slice.image().path()).isEqualTo(Images.hadoopPath(base));
    });
    assertThat(partitions).allSatisfy(p -> assertThat(p.preferredLocations()).as("local files have no locality").isEmpty());

    Dataset<Row> three = vhd().option("maxPartitionBytes", "1600k").load(base.toString());
    assertThat(partitionBlocks(three)).containsExactly("0..2", "10..40", "41..43", "44..46", "47..63");
    assertThat(partitionBlocks(vhd().load(base.toString()))).containsExactly("0..63");
  }

  @Test
  void theChainAddsItsBlocksAndTheDeltaViewOnlyTheImagesOwn() {
    Dataset<Row> resolved = vhd().option("maxPartitionBytes", Integer.toString(3 * BLOCK)).load(child.toString());
    assertThat(partitionBlocks(resolved)).containsExactly("0..2", "10..20", "40..42", "43..45", "46..63");
    Dataset<Row> delta = vhd().option("view", "delta").option("maxPartitionBytes", Integer.toString(BLOCK)).load(child.toString());
    assertThat(partitionBlocks(delta)).containsExactly("20..20", "41..41");
  }

  @Test
  void unallocatedBlocksCostNothingUnlessAskedFor() {
    Dataset<Row> rows = vhd().option("includeUnallocated", "true").option("maxPartitionBytes", "8m").load(base.toString());
    assertThat(ScanMetrics.partitions(rows)).hasSize(4);
    assertThat(partitionBlocks(rows)).containsExactly("0..15", "16..31", "32..47", "48..63");
    assertThat(rows.count()).isEqualTo(64L * SECTORS_PER_BLOCK);
  }

  @Test
  void smallImagesShareAPartitionAsSparkFilesDo() {
    // Each split costs its bytes plus spark.sql.files.openCostInBytes (4 MiB) when packed: the base
    // (14 blocks, 7 MiB) and the child's own block (0.5 MiB) fit 16 MiB together, not 8 MiB.
    Dataset<Row> shared = vhd().option("maxPartitionBytes", "16m").option("view", "delta").load(base.toString(), child.toString());
    assertThat(ScanMetrics.partitions(shared)).singleElement().satisfies(partition -> assertThat(partition.slices())
        .extracting(slice -> slice.image().path()).containsExactly(Images.hadoopPath(base), Images.hadoopPath(child)));
    Dataset<Row> apart = vhd().option("maxPartitionBytes", "8m").option("view", "delta").load(base.toString(), child.toString());
    assertThat(ScanMetrics.partitions(apart)).hasSize(2);
  }

  @Test
  void pushedFiltersShowInExplainAndPrunePartitions() {
    Dataset<Row> all = vhd().option("maxPartitionBytes", Integer.toString(BLOCK)).load(base.toString(), child.toString());
    Dataset<Row> filtered = all.where("block IN (41, 42) AND sector >= " + 41 * SECTORS_PER_BLOCK
        + " AND path = '" + Images.hadoopPath(child) + "' AND length(bytes) > 0");
    String plan = filtered.queryExecution().executedPlan().toString();
    String pushed = plan.substring(plan.indexOf("PushedFilters: ["), plan.indexOf(" ReadSchema: "));
    assertThat(pushed).contains("In(block, [41,42])")
        .contains("GreaterThanOrEqual(sector," + 41 * SECTORS_PER_BLOCK + ")")
        .contains("EqualTo(path," + Images.hadoopPath(child) + ")")
        .doesNotContain("bytes");
    assertThat(ScanMetrics.partitions(all)).hasSize(14 + 15);
    assertThat(ScanMetrics.partitions(filtered)).hasSize(2);
    assertThat(filtered.select("block").distinct().orderBy("block").collectAsList())
        .extracting(r -> r.getLong(0)).containsExactly(41L, 42L);
    Map<String, Long> metrics = ScanMetrics.afterCollect(filtered);
    assertThat(metrics.get(VhdMetrics.BLOCKS_READ)).isEqualTo(2);
    assertThat(metrics.get(VhdMetrics.BLOCKS_SKIPPED)).isEqualTo(62);
  }

  @Test
  void aSectorFilterReadsOnlyThatSector() {
    long sector = 41L * SECTORS_PER_BLOCK + 8;
    Dataset<Row> one = vhd().load(child.toString()).where("sector = " + sector);
    Map<String, Long> metrics = ScanMetrics.afterCollect(one);
    assertThat(one.collectAsList()).singleElement().satisfies(row -> {
      byte[] bytes = row.getAs("bytes");
      assertThat(bytes).hasSize(512).startsWith(9, 1, 2, 3);
    });
    assertThat(metrics).containsEntry(VhdMetrics.DATA_BYTES_READ, 512L).containsEntry(VhdMetrics.SECTORS_EMITTED, 1L)
        .containsEntry(VhdMetrics.BLOCKS_READ, 1L);
  }

  @Test
  void aSectorFilterInsideAFullBlockStartsAtThatSector() throws IOException {
    Path full = Images.dynamic(dir.resolve("full.vhd"), 8L * BLOCK, BLOCK);
    byte[] block = new byte[BLOCK];
    for (int i = 0; i < block.length; i += 512) {
      block[i] = (byte) (i / 512);
    }
    Images.write(full, 5L * BLOCK, block);
    long first = 5L * SECTORS_PER_BLOCK;

    Dataset<Row> one = vhd().load(full.toString()).where("sector = " + (first + 1000));
    Map<String, Long> metrics = ScanMetrics.afterCollect(one);
    assertThat(metrics).containsEntry(VhdMetrics.SECTORS_EMITTED, 1L).containsEntry(VhdMetrics.DATA_BYTES_READ, 512L);
    assertThat(one.collectAsList()).singleElement().satisfies(row -> assertThat((byte[]) row.getAs("bytes")).startsWith((byte) 1000));

    // Rows of 8 sectors: the filter keeps the row starts in (first + 1000, first + 1020], two rows.
    Dataset<Row> range = vhd().option("sectorsPerRow", "8").load(full.toString())
        .where("sector > " + (first + 1000) + " AND sector <= " + (first + 1020));
    Map<String, Long> rangeMetrics = ScanMetrics.afterCollect(range);
    assertThat(range.collectAsList()).extracting(row -> row.getLong(2)).containsExactly(first + 1008, first + 1016);
    assertThat(rangeMetrics).containsEntry(VhdMetrics.SECTORS_EMITTED, 16L).containsEntry(VhdMetrics.DATA_BYTES_READ, 16L * 512);
  }

  @Test
  void countReadsMetadataOnly() {
    Dataset<Row> rows = vhd().load(child.toString());
    Dataset<Row> count = rows.groupBy().count();
    Map<String, Long> metrics = ScanMetrics.afterCollect(count);
    long sectors = count.collectAsList().get(0).getLong(0);
    assertThat(sectors).as("14 sectors of the base, 2 of the child's own block").isEqualTo(14 + 2);
    assertThat(metrics).containsEntry(VhdMetrics.DATA_BYTES_READ, 0L).containsEntry(VhdMetrics.SECTORS_EMITTED, sectors)
        .containsEntry(VhdMetrics.BLOCKS_READ, 15L).containsEntry(VhdMetrics.BLOCKS_SKIPPED, 49L)
        .containsEntry(VhdMetrics.IMAGES_SKIPPED, 0L);
    assertThat(metrics.get(VhdMetrics.IMAGE_BYTES_READ)).isPositive();
    assertThat(metrics.get(VhdMetrics.ANCESTOR_BYTES_READ)).isPositive();
    assertThat(rows.count()).isEqualTo(sectors);

    Map<String, Long> withBytes = ScanMetrics.afterCollect(rows.select("bytes"));
    assertThat(withBytes).containsEntry(VhdMetrics.DATA_BYTES_READ, sectors * 512).containsEntry(VhdMetrics.SECTORS_EMITTED, sectors);
    assertThat(withBytes.get(VhdMetrics.ANCESTOR_BYTES_READ)).isGreaterThan(metrics.get(VhdMetrics.ANCESTOR_BYTES_READ));
  }

  @Test
  void rowsKeepTheirOrderAndValuesWhateverThePartitions() {
    List<Long> expected = new ArrayList<>();
    for (int block : BASE_BLOCKS) {
      expected.add((long) block * SECTORS_PER_BLOCK + 8);
    }
    List<Long> sectors = vhd().option("maxPartitionBytes", "1").load(base.toString()).select(col("sector")).collectAsList()
        .stream().map(r -> r.getLong(0)).toList();
    assertThat(sectors).isEqualTo(expected);
    assertThat(IntStream.of(BASE_BLOCKS).count()).isEqualTo(14);
  }
}
