package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes under faults: task attempts that fail mid-fragment (retried), attempts that leave files
 * their abort does not know of (an executor lost), jobs that fail after some tasks committed, a
 * join that fails at commit, and a parent that changes while the job runs. The target is complete
 * and exact, or absent; no file of the job is ever left beside it.
 */
@ExtendWith(SharedSpark.class)
class TestWriteFaults {
  private static final int BLOCK = 64 * 1024;

  @TempDir
  Path dir;

  @AfterEach
  void reset() {
    FaultyFileSystem.reset();
  }

  private static SparkSession spark() {
    return SharedSpark.spark();
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(".")).toList();
    }
  }

  private Path parent(byte[] expected) throws IOException {
    Path parent = Images.dynamic(dir.resolve("base.vhd"), expected.length, BLOCK);
    new java.util.Random(4).nextBytes(expected);
    Images.write(parent, 0, expected);
    return parent;
  }

  private static DataFrameWriter<Row> childWriter(Dataset<Row> rows, Path parent) {
    return rows.write().format("vhd").option(FaultyFileSystem.IMPL, FaultyFileSystem.class.getName())
        .option("parent", FaultyFileSystem.path(parent));
  }

  @Test
  void aTaskThatFailsMidFragmentIsRetriedAndTheImageIsExact() throws IOException {
    byte[] expected = new byte[32 * BLOCK];
    Path parent = parent(expected);
    List<Row> rows = TestWrite.randomRows(5, expected.length / 512, expected);
    Path child = dir.resolve("child.vhd");
    FaultyFileSystem.failingPartition = 1;
    FaultyFileSystem.failingAttempts = 1;
    FaultyFileSystem.leaveStray = true;

    TestWrite.withTasks(3, () -> childWriter(TestWrite.frame(rows), parent).save(FaultyFileSystem.path(child)));

    assertThat(FaultyFileSystem.FAILED.get()).isEqualTo(1);
    assertThat(FaultyFileSystem.STRAYS.get()).isEqualTo(1);
    assertThat(TestWrite.contents(child)).isEqualTo(expected);
    assertThat(VhdWrites.lastReport(spark()).orElseThrow().fragments()).isEqualTo(3);
    // The failed attempt's fragment (deleted by its abort) and its stray file (swept by the job): gone.
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aJobThatFailsAfterOtherTasksCommittedLeavesNothing() throws IOException {
    byte[] expected = new byte[32 * BLOCK];
    Path parent = parent(expected);
    List<Row> rows = TestWrite.randomRows(6, expected.length / 512, expected);
    Path child = dir.resolve("child.vhd");
    FaultyFileSystem.failingPartition = 2;
    FaultyFileSystem.failingAttempts = Integer.MAX_VALUE;
    FaultyFileSystem.leaveStray = true;

    assertThatThrownBy(() -> TestWrite.withTasks(3,
        () -> childWriter(TestWrite.frame(rows), parent).save(FaultyFileSystem.path(child))))
        .hasStackTraceContaining(FaultyFileSystem.WRITE_FAILURE);
    // Both attempts of the partition failed; the other partitions' tasks had committed their fragments.
    assertThat(FaultyFileSystem.FAILED.get()).isEqualTo(2);

    assertThat(Files.exists(child)).isFalse();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aJoinThatFailsAtCommitLeavesNothing() throws IOException {
    byte[] expected = new byte[16 * BLOCK];
    Path parent = parent(expected);
    List<Row> rows = TestWrite.randomRows(7, expected.length / 512, expected);
    Path child = dir.resolve("child.vhd");
    FaultyFileSystem.failRenames = true;

    assertThatThrownBy(() -> childWriter(TestWrite.frame(rows), parent).save(FaultyFileSystem.path(child)))
        .hasStackTraceContaining("simulated failure renaming into place");

    assertThat(Files.exists(child)).isFalse();
    assertThat(leftovers()).isEmpty();
  }

  /**
   * The parent changes while the job runs (here: a UDF of the job writes into it): the child would
   * be wrong on top of it, so the commit refuses and nothing is written.
   */
  @Test
  void aParentThatChangesWhileTheJobRunsFailsTheCommit() throws IOException {
    byte[] expected = new byte[16 * BLOCK];
    Path parent = parent(expected);
    List<Row> rows = TestWrite.randomRows(8, expected.length / 512, expected);
    Path child = dir.resolve("child.vhd");
    String parentFile = parent.toString();
    spark().udf().register("touchParent", (UDF1<Long, Long>) sector -> {
      if (sector == rows.get(0).getLong(0)) {
        Images.write(Path.of(parentFile), 15L * BLOCK, new byte[] {42});
      }
      return sector;
    }, DataTypes.LongType);
    Dataset<Row> changing = TestWrite.frame(rows).selectExpr("touchParent(sector) AS sector", "bytes");

    assertThatThrownBy(() -> changing.write().format("vhd").option("parent", parentFile).save(child.toString()))
        .hasMessageContaining("the parent").hasMessageContaining("changed while the job ran")
        .hasMessageContaining("child.vhd was not written");

    assertThat(Files.exists(child)).isFalse();
    assertThat(leftovers()).isEmpty();
  }
}
