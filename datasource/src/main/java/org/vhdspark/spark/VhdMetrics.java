package org.vhdspark.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The scan's metrics in the Spark UI (and in the scan node's {@code metrics}). Spark instantiates
 * each class by name to aggregate task values, so each is a public class with a no-argument
 * constructor.
 */
public final class VhdMetrics {
  public static final String IMAGE_BYTES_READ = "imageBytesRead";
  public static final String ANCESTOR_BYTES_READ = "ancestorBytesRead";
  public static final String DATA_BYTES_READ = "dataBytesRead";
  public static final String SECTORS_EMITTED = "sectorsEmitted";
  public static final String BLOCKS_READ = "blocksRead";
  public static final String BLOCKS_SKIPPED = "blocksSkipped";
  public static final String IMAGES_SKIPPED = "corruptImagesSkipped";

  private VhdMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {new ImageBytesRead(), new AncestorBytesRead(), new DataBytesRead(), new SectorsEmitted(),
        new BlocksRead(), new BlocksSkipped(), new CorruptImagesSkipped()};
  }

  static CustomTaskMetric value(String name, long value) {
    return new TaskValue(name, value);
  }

  private record TaskValue(String name, long value) implements CustomTaskMetric {}

  /** Bytes read from the scanned images' own files: footers, headers, BATs, bitmaps and data. */
  public static final class ImageBytesRead extends CustomSumMetric {
    @Override
    public String name() {
      return IMAGE_BYTES_READ;
    }

    @Override
    public String description() {
      return "bytes read from the images";
    }
  }

  /** Bytes read from the files of the images' ancestors (parents, grandparents, ...). */
  public static final class AncestorBytesRead extends CustomSumMetric {
    @Override
    public String name() {
      return ANCESTOR_BYTES_READ;
    }

    @Override
    public String description() {
      return "bytes read from ancestor images";
    }
  }

  /** Bytes of sector contents read, from any layer: 0 when the {@code bytes} column is not read. */
  public static final class DataBytesRead extends CustomSumMetric {
    @Override
    public String name() {
      return DATA_BYTES_READ;
    }

    @Override
    public String description() {
      return "sector data bytes read";
    }
  }

  /** Sectors covered by the rows emitted. */
  public static final class SectorsEmitted extends CustomSumMetric {
    @Override
    public String name() {
      return SECTORS_EMITTED;
    }

    @Override
    public String description() {
      return "sectors emitted";
    }
  }

  /** Blocks whose runs the tasks computed. */
  public static final class BlocksRead extends CustomSumMetric {
    @Override
    public String name() {
      return BLOCKS_READ;
    }

    @Override
    public String description() {
      return "blocks read";
    }
  }

  /** Blocks never read: no layer holds them (unless includeUnallocated), or the filters exclude them. */
  public static final class BlocksSkipped extends CustomSumMetric {
    @Override
    public String name() {
      return BLOCKS_SKIPPED;
    }

    @Override
    public String description() {
      return "blocks skipped";
    }
  }

  /** Images skipped because they could not be read, with {@code ignoreCorruptFiles}. */
  public static final class CorruptImagesSkipped extends CustomSumMetric {
    @Override
    public String name() {
      return IMAGES_SKIPPED;
    }

    @Override
    public String description() {
      return "corrupt images skipped";
    }
  }
}
