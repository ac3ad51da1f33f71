package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read of this source already has each block's rows in one partition, in order: written as it is
 * (a copy, a chain made flat), the write needs no shuffle. Anything else is shuffled. Either way the
 * image is exact.
 */
@ExtendWith(SharedSpark.class)
class TestWriteClustering {
  private static final int BLOCK = 64 * 1024;

  @TempDir
  Path dir;

  private Path chain(byte[] expected) throws IOException {
    Path base = Images.dynamic(dir.resolve("base.vhd"), expected.length, BLOCK);
    Random random = new Random(17);
    byte[] some = new byte[300_000];
    random.nextBytes(some);
    Images.write(base, 4096, some);
    Path top = Images.child(base, dir.resolve("top.vhd"));
    random.nextBytes(some);
    Images.write(top, 700_000, some);
    System.arraycopy(TestWrite.contents(top), 0, expected, 0, expected.length);
    return top;
  }

  /** The physical plans of the DSv2 writes that {@code write} ran. */
  private static String writePlans(Runnable write) throws java.util.concurrent.TimeoutException {
    SparkSession spark = SharedSpark.spark();
    List<String> plans = new CopyOnWriteArrayList<>();
    QueryExecutionListener listener = new QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
        String plan = qe.executedPlan().toString();
        if (plan.contains("AppendData")) {
          plans.add(plan);
        }
      }

      @Override
      public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
    };
    spark.listenerManager().register(listener);
    try {
      write.run();
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.listenerManager().unregister(listener);
    }
    assertThat(plans).hasSize(1);
    return plans.get(0);
  }

  @Test
  void aReadOfOneImageWrittenAsItIsNeedsNoShuffle() throws Exception {
    byte[] expected = new byte[32 * BLOCK];
    Path top = chain(expected);
    Path flat = dir.resolve("flat.vhd");
    Dataset<Row> read = SharedSpark.spark().read().format("vhd").option("maxPartitionBytes", "128k").load(top.toString());

    String plan = writePlans(() -> read.where("sector >= 0").select("sector", "bytes").write().format("vhd")
        .option("size", Integer.toString(expected.length)).option("blockSize", "32k").save(flat.toString()));

    assertThat(plan).doesNotContain("Exchange").doesNotContain("Sort");
    assertThat(TestWrite.contents(flat)).isEqualTo(expected);
    assertThat(VhdWrites.lastReport(SharedSpark.spark()).orElseThrow().fragments()).isGreaterThan(1);
  }

  @Test
  void otherwiseTheRowsAreShuffledByBlock() throws Exception {
    byte[] expected = new byte[32 * BLOCK];
    Path top = chain(expected);
    Dataset<Row> read = SharedSpark.spark().read().format("vhd").load(top.toString());
    String size = Integer.toString(expected.length);

    // Repartitioned: a block's rows are spread over partitions.
    Path spread = dir.resolve("spread.vhd");
    assertThat(writePlans(() -> read.repartition(3).write().format("vhd").option("size", size).save(spread.toString())))
        .contains("Exchange hashpartitioning(_key");
    assertThat(TestWrite.contents(spread)).isEqualTo(expected);
    // Blocks larger than the read's: one new block gathers rows of several partitions.
    Path larger = dir.resolve("larger.vhd");
    assertThat(writePlans(() -> read.write().format("vhd").option("size", size).option("blockSize", "128k")
        .save(larger.toString()))).contains("Exchange hashpartitioning(_key");
    assertThat(TestWrite.contents(larger)).isEqualTo(expected);
    // The sectors changed on the way: their order is no longer the read's.
    Path moved = dir.resolve("moved.vhd");
    assertThat(writePlans(() -> read.selectExpr("CAST(" + (expected.length / 512 - 1) + " - sector AS BIGINT) AS sector", "bytes")
        .write().format("vhd").option("size", size).save(moved.toString()))).contains("Exchange hashpartitioning(_key");
  }
}
