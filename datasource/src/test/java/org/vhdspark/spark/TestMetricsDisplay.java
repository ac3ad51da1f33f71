package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.ui.SQLAppStatusStore;
import org.apache.spark.sql.execution.ui.SQLExecutionUIData;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/** How the scan's metrics read in the Spark UI: byte metrics as sizes, the others as counts. */
@ExtendWith(SharedSpark.class)
class TestMetricsDisplay {
  @Test
  void sizesReadAsSparksOwnSizes() {
    for (long bytes : new long[] {0, 1, 1023, 2047, 2048, 1 << 20, (2L << 20) - 1, 2L << 20, 1_258_291, 5L << 30,
        (3L << 40) + 12345, Long.MAX_VALUE}) {
      assertThat(VhdMetrics.bytesText(bytes)).as("%d bytes", bytes).isEqualTo(Utils.bytesToString(bytes));
    }
    assertThat(VhdMetrics.bytesText(5_452_595)).isEqualTo("5.2 MiB");
  }

  @Test
  void byteMetricsAggregateToASizeAndCountsToANumber() {
    long[] tasks = {3L << 20, 1L << 19};
    assertThat(new VhdMetrics.ImageBytesRead().aggregateTaskMetrics(tasks)).isEqualTo("3.5 MiB");
    assertThat(new VhdMetrics.AncestorBytesRead().aggregateTaskMetrics(tasks)).isEqualTo("3.5 MiB");
    assertThat(new VhdMetrics.DataBytesRead().aggregateTaskMetrics(new long[0])).isEqualTo("0.0 B");
    assertThat(new VhdMetrics.SectorsEmitted().aggregateTaskMetrics(tasks)).isEqualTo(Long.toString((3L << 20) + (1L << 19)));
    assertThat(new VhdMetrics.UnreadableImagesListed().aggregateTaskMetrics(new long[] {1, 2})).isEqualTo("3");
  }

  @Test
  void theSqlTabShowsBytesAsSizesWhileTheScanKeepsExactValues(@TempDir Path dir) throws IOException, TimeoutException {
    Path image = Images.dynamic(dir.resolve("disk.vhd"), 8 << 20, 2 << 20);
    byte[] data = new byte[3 << 20];
    Arrays.fill(data, (byte) 1);
    Images.write(image, 0, data);
    Dataset<Row> rows = SharedSpark.spark().read().format("vhd").load(image.toString()).select("bytes");

    Map<String, Long> exact = ScanMetrics.afterCollect(rows);
    assertThat(exact).containsEntry(VhdMetrics.DATA_BYTES_READ, 3L << 20).containsEntry(VhdMetrics.SECTORS_EMITTED, 6144L);
    Map<String, String> shown = shownInSqlTab(ScanMetrics.scan(rows));
    assertThat(shown).containsEntry(VhdMetrics.DATA_BYTES_READ, "3.0 MiB")
        .containsEntry(VhdMetrics.IMAGE_BYTES_READ, VhdMetrics.bytesText(exact.get(VhdMetrics.IMAGE_BYTES_READ)))
        .containsEntry(VhdMetrics.SECTORS_EMITTED, "6144");
  }

  @Test
  void theWriteNodeShowsBlocksSectorsAndBytesWritten(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.spark();
    List<org.apache.spark.sql.execution.SparkPlan> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.spark.sql.util.QueryExecutionListener listener = new org.apache.spark.sql.util.QueryExecutionListener() {
      @Override
      public void onSuccess(String funcName, org.apache.spark.sql.execution.QueryExecution qe, long durationNs) {
        writes.add(qe.executedPlan());
      }

      @Override
      public void onFailure(String funcName, org.apache.spark.sql.execution.QueryExecution qe, Exception exception) {}
    };
    spark.listenerManager().register(listener);
    try {
      byte[] sector = new byte[512 * 3];
      Arrays.fill(sector, (byte) 7);
      spark.createDataFrame(List.of(RowFactory.create(5L, sector), RowFactory.create(70_000L, sector)), TestWrite.ROWS)
          .write().format("vhd").option("size", "64m").save(dir.resolve("new.vhd").toString());
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.listenerManager().unregister(listener);
    }
    // The write node (Spark's AppendData over this source's DSv2 write) carries the vhd write metrics.
    Map<String, org.apache.spark.sql.execution.metric.SQLMetric> metrics = writes.stream()
        .map(plan -> JavaConverters.mapAsJavaMap(plan.metrics()))
        .filter(m -> m.containsKey(VhdWriteMetrics.BLOCKS_WRITTEN)).findFirst().orElseThrow();
    SQLAppStatusStore store = spark.sharedState().statusStore();
    Map<String, String> shown = new TreeMap<>();
    for (SQLExecutionUIData execution : JavaConverters.seqAsJavaList(store.executionsList())) {
      Map<Object, String> texts = JavaConverters.mapAsJavaMap(store.executionMetrics(execution.executionId()));
      metrics.forEach((name, metric) -> {
        if (texts.containsKey(metric.id())) {
          shown.put(name, texts.get(metric.id()));
        }
      });
    }
    long blockBytes = (2L << 20) + 512;
    assertThat(shown).containsEntry(VhdWriteMetrics.BLOCKS_WRITTEN, "2")
        .containsEntry(VhdWriteMetrics.SECTORS_WRITTEN, "6")
        .containsEntry(VhdWriteMetrics.FRAGMENT_BYTES_WRITTEN, VhdMetrics.bytesText(2 * blockBytes));
  }

  /** The metric texts of the scan's execution, as the SQL tab of the Spark UI shows them. */
  private static Map<String, String> shownInSqlTab(BatchScanExec scan) throws TimeoutException {
    SparkSession spark = SharedSpark.spark();
    spark.sparkContext().listenerBus().waitUntilEmpty();
    SQLAppStatusStore store = spark.sharedState().statusStore();
    Map<String, Long> ids = new TreeMap<>();
    JavaConverters.mapAsJavaMap(scan.metrics()).forEach((name, metric) -> ids.put(name, metric.id()));
    for (SQLExecutionUIData execution : JavaConverters.seqAsJavaList(store.executionsList())) {
      Map<Object, String> texts = JavaConverters.mapAsJavaMap(store.executionMetrics(execution.executionId()));
      if (texts.containsKey(ids.get(VhdMetrics.DATA_BYTES_READ))) {
        Map<String, String> shown = new TreeMap<>();
        ids.forEach((name, id) -> shown.put(name, texts.get(id)));
        return shown;
      }
    }
    throw new AssertionError("no execution shows the scan's metrics");
  }
}
