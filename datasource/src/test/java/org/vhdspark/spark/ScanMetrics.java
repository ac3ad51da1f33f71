package org.vhdspark.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import scala.collection.JavaConverters;

/** Runs a query and reads the metrics and partitions of its vhd scan node. */
final class ScanMetrics {
  private ScanMetrics() {}

  /** Collects {@code query}, then returns the metrics of its (single) scan. */
  static Map<String, Long> afterCollect(Dataset<?> query) {
    query.collectAsList();
    return of(scan(query));
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
