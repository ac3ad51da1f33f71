package org.vhdspark.spark;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A planned read of VHD images: the partitions come from the images' BATs (planned once, on first
 * use: when the optimizer asks for statistics, or when Spark plans the partitions), the reader
 * factory carries the Hadoop configuration, broadcast once per scan.
 */
final class VhdScan implements SupportsReportStatistics, Batch {
  private final VhdReadOptions options;
  private final Configuration conf;
  private final List<FileStatus> files;
  private final PushedFilters filters;
  private final StructType readSchema;
  private ScanPlanner.Plan plan;
  private VhdReaderFactory readerFactory;

  VhdScan(VhdReadOptions options, Configuration conf, List<FileStatus> files, PushedFilters filters, StructType readSchema) {
    this.options = options;
    this.conf = conf;
    this.files = files;
    this.filters = filters;
    this.readSchema = readSchema;
  }

  VhdReadOptions options() {
    return options;
  }

  List<FileStatus> files() {
    return files;
  }

  @Override
  public StructType readSchema() {
    return readSchema;
  }

  @Override
  public String description() {
    return "VhdScan output=" + VhdReadOptions.label(options.output()) + " view=" + VhdReadOptions.label(options.view())
        + " images=" + files.size()
        + " PushedFilters: " + Arrays.toString(filters.pushed())
        + " ReadSchema: " + Arrays.stream(readSchema.fields()).map(StructField::name).collect(Collectors.joining(",", "[", "]"));
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    return plan().partitions().toArray(InputPartition[]::new);
  }

  synchronized ScanPlanner.Plan plan() {
    if (plan == null) {
      plan = new ScanPlanner(options, conf, filters).plan(files);
    }
    return plan;
  }

  @Override
  public Statistics estimateStatistics() {
    return ScanStatistics.of(plan().rows(), readSchema, options.sectorsPerRow());
  }

  @Override
  public synchronized PartitionReaderFactory createReaderFactory() {
    if (readerFactory == null) {
      JavaSparkContext context = JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext());
      Broadcast<SerializableConfiguration> shipped = context.broadcast(new SerializableConfiguration(conf));
      readerFactory = new VhdReaderFactory(shipped, options, readSchema, filters.blocks(), filters.sectors());
    }
    return readerFactory;
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return VhdMetrics.supported();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    ScanPlanner.Plan planned = plan();
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdMetrics.BLOCKS_SKIPPED, planned.blocksSkipped()),
        VhdMetrics.value(VhdMetrics.IMAGES_SKIPPED, planned.corruptImagesSkipped()),
    };
  }
}
