package org.vhdspark.spark;

import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;

/** Walks the slices of a partition, one open image at a time; subclasses turn each into rows. */
abstract class SliceReader implements PartitionReader<InternalRow> {
  protected final ReadMetrics metrics = new ReadMetrics();
  protected final StructType schema;
  private final ChainOpener opener;
  private final List<ImageSlice> slices;
  private int nextSlice;
  protected OpenImage image;
  protected ImageSlice slice;

  SliceReader(ChainOpener opener, VhdInputPartition partition, StructType schema) {
    this.opener = opener;
    this.slices = partition.slices();
    this.schema = schema;
  }

  /** Opens the next slice's image, closing the previous one; false when none is left. */
  protected final boolean nextSlice() throws IOException {
    if (!advanceSlice()) {
      return false;
    }
    openSlice();
    return true;
  }

  /** Moves {@link #slice} to the next slice without opening it, closing the previous image; false when none is left. */
  protected final boolean advanceSlice() throws IOException {
    closeImage();
    if (nextSlice == slices.size()) {
      return false;
    }
    slice = slices.get(nextSlice++);
    return true;
  }

  /** Opens the image of {@link #slice}. */
  protected final void openSlice() throws IOException {
    image = OpenImage.open(opener, slice.image());
    started();
  }

  /** Called when {@link #image} and {@link #slice} are a new slice's. */
  protected abstract void started() throws IOException;

  protected final int ordinal(String column) {
    return java.util.Arrays.asList(schema.fieldNames()).indexOf(column);
  }

  /** Closes {@link #image}, if one is open, adding the bytes read through it to the metrics. */
  protected final void closeImage() throws IOException {
    if (image != null) {
      OpenImage closing = image;
      image = null;
      metrics.closed(closing);
      closing.close();
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return metrics.values(image);
  }

  @Override
  public void close() throws IOException {
    closeImage();
  }
}
