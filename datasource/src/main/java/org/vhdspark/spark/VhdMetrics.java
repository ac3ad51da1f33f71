package org.vhdspark.spark;

import java.math.BigDecimal;
import java.util.Locale;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The scan's metrics in the Spark UI (and in the scan node's {@code metrics}). Spark instantiates
 * each class by name to aggregate task values, so each is a public class with a no-argument
 * constructor. Byte metrics show as sizes ({@code 1.2 MiB}), the others as counts.
 */
public final class VhdMetrics {
  public static final String IMAGE_BYTES_READ = "imageBytesRead";
  public static final String ANCESTOR_BYTES_READ = "ancestorBytesRead";
  public static final String DATA_BYTES_READ = "dataBytesRead";
  public static final String SECTORS_EMITTED = "sectorsEmitted";
  public static final String BLOCKS_READ = "blocksRead";
  public static final String BLOCKS_SKIPPED = "blocksSkipped";
  public static final String IMAGES_SKIPPED = "corruptImagesSkipped";
  public static final String UNREADABLE_IMAGES = "unreadableImagesListed";

  private static final String[] UNITS = {"EiB", "PiB", "TiB", "GiB", "MiB", "KiB"};

  private VhdMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {new ImageBytesRead(), new AncestorBytesRead(), new DataBytesRead(), new SectorsEmitted(),
        new BlocksRead(), new BlocksSkipped(), new CorruptImagesSkipped(), new UnreadableImagesListed()};
  }

  static CustomTaskMetric value(String name, long value) {
    return new TaskValue(name, value);
  }

  /**
   * A size as Spark shows its own size metrics ({@code Utils.bytesToString}, which is internal to
   * Spark): one decimal, in the largest binary unit that leaves at least 2 of it.
   */
  static String bytesText(long bytes) {
    for (int i = 0; i < UNITS.length; i++) {
      long unit = 1L << (10 * (UNITS.length - i));
      if (bytes >= 2 * unit) {
        return String.format(Locale.US, "%.1f %s", new BigDecimal(bytes).divide(BigDecimal.valueOf(unit)), UNITS[i]);
      }
    }
    return String.format(Locale.US, "%.1f B", new BigDecimal(bytes));
  }

  private record TaskValue(String name, long value) implements CustomTaskMetric {}

  /** A sum of bytes, shown as a size. */
  abstract static class ByteSumMetric extends CustomSumMetric {
    @Override
    public String aggregateTaskMetrics(long[] taskMetrics) {
      long sum = 0;
      for (long value : taskMetrics) {
        sum += value;
      }
      return bytesText(sum);
    }
  }

  /** Bytes read from the scanned images' own files: footers, headers, BATs, bitmaps and data. */
  public static final class ImageBytesRead extends ByteSumMetric {
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
  public static final class AncestorBytesRead extends ByteSumMetric {
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
  public static final class DataBytesRead extends ByteSumMetric {
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

  /**
   * Images skipped because they could not be read, with {@code ignoreCorruptFiles} (sectors and
   * allocation outputs; the catalog skips none).
   */
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

  /** Catalog rows with an {@code error}: images that could not be read, on the driver or in a task. */
  public static final class UnreadableImagesListed extends CustomSumMetric {
    @Override
    public String name() {
      return UNREADABLE_IMAGES;
    }

    @Override
    public String description() {
      return "unreadable images listed";
    }
  }
}
