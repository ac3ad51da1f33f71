package org.vhdspark.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;

/**
 * The write's metrics in the Spark UI, on the write node: what the tasks wrote into fragments.
 * What the driver copied at commit (0 on HDFS and S3) is in the job's {@link VhdWriteReport}: Spark
 * 3.5 has no driver-side metrics for writes.
 */
public final class VhdWriteMetrics {
  public static final String BLOCKS_WRITTEN = "blocksWritten";
  public static final String SECTORS_WRITTEN = "sectorsWritten";
  public static final String FRAGMENT_BYTES_WRITTEN = "fragmentBytesWritten";

  private VhdWriteMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {new BlocksWritten(), new SectorsWritten(), new FragmentBytesWritten()};
  }

  /** Blocks written by the tasks (2 MiB units of a fixed image, zeros included). */
  public static final class BlocksWritten extends CustomSumMetric {
    @Override
    public String name() {
      return BLOCKS_WRITTEN;
    }

    @Override
    public String description() {
      return "blocks written";
    }
  }

  /** Sectors the rows gave. */
  public static final class SectorsWritten extends CustomSumMetric {
    @Override
    public String name() {
      return SECTORS_WRITTEN;
    }

    @Override
    public String description() {
      return "sectors written";
    }
  }

  /** Bytes of blocks the tasks wrote into fragments: bitmaps and data (a fixed image's zeros too), not padding. */
  public static final class FragmentBytesWritten extends VhdMetrics.ByteSumMetric {
    @Override
    public String name() {
      return FRAGMENT_BYTES_WRITTEN;
    }

    @Override
    public String description() {
      return "bytes written to fragments";
    }
  }
}
