package org.vhdspark.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import scala.collection.JavaConverters;

/** Runs a query and reads the metrics and partitions of its vhd scan node, or its tasks' vhd metrics. */
final class ScanMetrics {
  private ScanMetrics() {}

  /** Collects {@code query}, then returns the metrics of its (single) scan. */
  static Map<String, Long> afterCollect(Dataset<?> query) {
    query.collectAsList();
    return of(scan(query));
  }

  /**
   * Collects {@code query} and sums, by metric name, the vhd metrics its tasks report. Unlike
   * {@link #afterCollect}, this also sees scans without a node in the query's plan: the DataFrame read
   * behind a table's V1 scan. Driver-side metrics (blocks skipped) are not task metrics.
   */
  static Map<String, Long> taskTotals(Dataset<?> query) throws TimeoutException {
    Map<String, String> names = new HashMap<>();
    for (CustomMetric metric : VhdMetrics.supported()) {
      names.put(metric.description(), metric.name());
    }
    Map<String, Long> totals = new ConcurrentHashMap<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        for (AccumulableInfo info : JavaConverters.seqAsJavaList(end.taskInfo().accumulables())) {
          String name = info.name().isDefined() ? names.get(info.name().get()) : null;
          if (name != null && info.update().isDefined()) {
            totals.merge(name, ((Number) info.update().get()).longValue(), Long::sum);
          }
        }
      }
    };
    SparkContext context = query.sparkSession().sparkContext();
    context.listenerBus().waitUntilEmpty();
    context.addSparkListener(listener);
    try {
      query.collectAsList();
      context.listenerBus().waitUntilEmpty();
    } finally {
      context.removeSparkListener(listener);
    }
    return new TreeMap<>(totals);
  }

  static Map<String, Long> of(BatchScanExec scan) {
    Map<String, Long> values = new TreeMap<>();
    JavaConverters.mapAsJavaMap(scan.metrics()).forEach((name, metric) -> values.put(name, metric.value()));
    return values;
  }

  static BatchScanExec scan(Dataset<?> query) {
    List<BatchScanExec> scans = new ArrayList<>();
    collect(query.queryExecution().executedPlan(), scans);
    if (scans.size() != 1) {
      throw new AssertionError("expected one scan in " + query.queryExecution().executedPlan());
    }
    return scans.get(0);
  }

  static List<VhdInputPartition> partitions(Dataset<?> query) {
    List<VhdInputPartition> partitions = new ArrayList<>();
    for (Object partition : JavaConverters.seqAsJavaList(scan(query).inputPartitions())) {
      partitions.add((VhdInputPartition) partition);
    }
    return partitions;
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
}
