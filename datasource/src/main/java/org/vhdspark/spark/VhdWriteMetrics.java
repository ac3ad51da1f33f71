package org.vhdspark.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;

/**
 * The write's metrics in the Spark UI, on the write node: what the tasks wrote into fragments, and
 * (Spark 4.0 and later, which take driver metrics from writes) what the driver copied at commit. On
 * Spark 3.5 that figure is in the job's {@link VhdWriteReport} and its log line only.
 */
public final class VhdWriteMetrics {
  public static final String BLOCKS_WRITTEN = "blocksWritten";
  public static final String SECTORS_WRITTEN = "sectorsWritten";
  public static final String FRAGMENT_BYTES_WRITTEN = "fragmentBytesWritten";

  private VhdWriteMetrics() {}

  public static final String BYTES_COPIED_BY_DRIVER = "bytesCopiedByDriver";

  /** Whether Spark takes driver metrics from writes ({@code Write.reportDriverMetrics}, Spark 4.0 on). */
  private static final boolean DRIVER_METRICS = hasDriverMetrics();

  static CustomMetric[] supported() {
    if (DRIVER_METRICS) {
      return new CustomMetric[] {new BlocksWritten(), new SectorsWritten(), new FragmentBytesWritten(), new BytesCopiedByDriver()};
    }
    // Spark 3.5 would show a driver metric as 0 whatever the driver did: leave it out.
    return new CustomMetric[] {new BlocksWritten(), new SectorsWritten(), new FragmentBytesWritten()};
  }

  private static boolean hasDriverMetrics() {
    try {
      org.apache.spark.sql.connector.write.Write.class.getMethod("reportDriverMetrics");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** Fragment bytes the driver copied to join them: 0 on HDFS and S3 (Spark 4.0 and later show it). */
  public static final class BytesCopiedByDriver extends VhdMetrics.ByteSumMetric {
    @Override
    public String name() {
      return BYTES_COPIED_BY_DRIVER;
    }

    @Override
    public String description() {
      return "bytes copied by the driver";
    }
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
