package org.vhdspark.spark;

import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/** A task's running totals for {@link VhdMetrics}, over the images it closed and the one it reads. */
final class ReadMetrics {
  private long imageBytes;
  private long ancestorBytes;
  long dataBytes;
  long sectors;
  long blocks;
  long unreadableImages;

  /** Adds the bytes read through {@code image}'s files, once it is done. */
  void closed(OpenImage image) {
    imageBytes += image.imageBytesRead();
    ancestorBytes += image.ancestorBytesRead();
  }

  CustomTaskMetric[] values(OpenImage current) {
    long image = imageBytes + (current == null ? 0 : current.imageBytesRead());
    long ancestors = ancestorBytes + (current == null ? 0 : current.ancestorBytesRead());
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdMetrics.IMAGE_BYTES_READ, image),
        VhdMetrics.value(VhdMetrics.ANCESTOR_BYTES_READ, ancestors),
        VhdMetrics.value(VhdMetrics.DATA_BYTES_READ, dataBytes),
        VhdMetrics.value(VhdMetrics.SECTORS_EMITTED, sectors),
        VhdMetrics.value(VhdMetrics.BLOCKS_READ, blocks),
        VhdMetrics.value(VhdMetrics.UNREADABLE_IMAGES, unreadableImages),
    };
  }
}
