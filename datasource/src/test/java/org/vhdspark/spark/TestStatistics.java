package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2ScanRelation;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/** What the optimizer learns of a vhd read before running it, and the joins it plans from that. */
@ExtendWith(SharedSpark.class)
class TestStatistics {
  private static final int SECTORS = 8192;
  private static final int SECTORS_PER_BLOCK = 4096;
  /** A sectors row: 8 (Spark's row overhead), block, sector, and 512 bytes; the path comes on top. */
  private static final long SECTORS_ROW = 8 + 8 + 8 + 512;
  @TempDir
  static Path dir;
  private static Path dynamic;
  private static Path fixed;

  @BeforeAll
  static void makeImages() throws IOException {
    // 4 MiB in two blocks of 2 MiB: only block 0 holds data (3 sectors).
    dynamic = Images.dynamic(dir.resolve("dynamic.vhd"), 4 << 20, 2 << 20);
    byte[] data = new byte[3 * 512];
    java.util.Arrays.fill(data, (byte) 7);
    Images.write(dynamic, 0, data);
    fixed = Images.fixed(Files.createDirectories(dir.resolve("fixed")).resolve("fixed.vhd"), 4 << 20);
  }

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd");
  }

  private static long pathBytes(Path image) {
    return Images.hadoopPath(image).getBytes(StandardCharsets.UTF_8).length;
  }

  /** The statistics of the query's vhd scan, as the optimizer sees them. */
  private static Statistics scanStatistics(Dataset<?> query) {
    List<LogicalPlan> scans = new ArrayList<>();
    for (LogicalPlan leaf : JavaConverters.seqAsJavaList(query.queryExecution().optimizedPlan().collectLeaves())) {
      if (leaf instanceof DataSourceV2ScanRelation) {
        scans.add(leaf);
      }
    }
    assertThat(scans).hasSize(1);
    return scans.get(0).stats();
  }

  private static void assertStatistics(Dataset<?> query, long sizeInBytes, Long rows) {
    Statistics statistics = scanStatistics(query);
    assertThat(statistics.sizeInBytes().bigInteger()).isEqualTo(BigInteger.valueOf(sizeInBytes));
    if (rows == null) {
      assertThat(statistics.rowCount().isEmpty()).as("no row count").isTrue();
    } else {
      assertThat(statistics.rowCount().get().bigInteger()).isEqualTo(BigInteger.valueOf(rows));
    }
  }

  @Test
  void sectorsSizeIsTheRowsOfTheBlocksReadWithTheirColumns() {
    long rows = SECTORS_PER_BLOCK;
    long size = rows * (SECTORS_ROW + pathBytes(dynamic));
    Dataset<Row> all = vhd().load(dynamic.toString());
    assertStatistics(all, size, null);
    assertThat(all.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger()).isEqualTo(BigInteger.valueOf(size));
    assertThat(all.queryExecution().stringWithStats()).contains("Statistics(sizeInBytes=" + Utils.bytesToString(size));

    assertStatistics(vhd().load(dynamic.toString()).select("sector"), rows * (8 + 8), null);
    assertStatistics(vhd().load(dynamic.toString()).where("sector < 100"), 100 * (SECTORS_ROW + pathBytes(dynamic)), null);
    assertStatistics(vhd().option("sectorsPerRow", "8").load(dynamic.toString()),
        rows / 8 * (8 + 8 + 8 + 8 * 512 + pathBytes(dynamic)), null);
  }

  @Test
  void rowsAreCountedWhereEverySectorIsARow() {
    long row = SECTORS_ROW + pathBytes(dynamic);
    assertStatistics(vhd().option("includeUnallocated", "true").load(dynamic.toString()), SECTORS * row, (long) SECTORS);
    assertStatistics(vhd().option("includeUnallocated", "true").load(dynamic.toString()).where("sector >= 100 AND sector < 200"),
        100 * row, 100L);
    assertStatistics(vhd().load(fixed.toString()), SECTORS * (SECTORS_ROW + pathBytes(fixed)), (long) SECTORS);
  }

  @Test
  void catalogAndAllocationRowsAreSmall() {
    // Catalog: 8 + Spark's default sizes of the 20 columns besides path (strings 20, longs 8, ints 4, ...): 296 bytes.
    assertStatistics(vhd().option("output", "catalog").load(dynamic.toString(), fixed.toString()),
        2 * 296 + pathBytes(dynamic) + pathBytes(fixed), 2L);
    // Allocation: estimated as a run per block read: 8 + block, sector, sector_count, layer (4), layer_path (20).
    assertStatistics(vhd().option("output", "allocation").load(dynamic.toString()), 8 + 8 + 8 + 8 + 4 + 20 + pathBytes(dynamic), null);
  }

  @Test
  void aSmallReadIsBroadcastInAJoinAndALargeOneIsNot() {
    // 2,000,000 longs are 16 MB to the optimizer: above the 10 MiB broadcast threshold.
    Dataset<Row> large = SharedSpark.spark().range(2_000_000).toDF("sector");
    Dataset<Row> small = vhd().load(dynamic.toString()).join(large, "sector");
    assertThat(broadcastJoin(small).buildSide()).isEqualTo(BuildLeft$.MODULE$);
    assertThat(scans(broadcastJoin(small).left())).hasSize(1);
    assertThat(small.count()).isEqualTo(3);

    Dataset<Row> wholeDisk = vhd().option("includeUnallocated", "true").option("sectorsPerRow", "1")
        .load(dynamic.toString(), fixed.toString());
    Dataset<Row> tiny = SharedSpark.spark().range(10).toDF("sector");
    assertThat(broadcastJoin(wholeDisk.join(tiny, "sector")).buildSide()).isEqualTo(BuildRight$.MODULE$);
  }

  private static BroadcastHashJoinExec broadcastJoin(Dataset<?> query) {
    SparkPlan plan = query.queryExecution().sparkPlan();
    List<BroadcastHashJoinExec> joins = new ArrayList<>();
    plan.foreach(node -> {
      if (node instanceof BroadcastHashJoinExec join) {
        joins.add(join);
      }
      return null;
    });
    assertThat(joins).as("a broadcast join in %s", plan).hasSize(1);
    return joins.get(0);
  }

  private static List<BatchScanExec> scans(SparkPlan plan) {
    List<BatchScanExec> scans = new ArrayList<>();
    plan.foreach(node -> {
      if (node instanceof BatchScanExec scan) {
        scans.add(scan);
      }
      return null;
    });
    return scans;
  }
}
