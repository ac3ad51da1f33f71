package org.vhdspark.spark;

import java.io.Closeable;
import java.io.IOException;
import java.io.Serial;
import org.apache.spark.unsafe.types.UTF8String;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.ReadSource;

/**
 * An image opened in a task: its disk in the planned view, the paths of its layers as row values,
 * and the bytes read from its files so far.
 */
final class OpenImage implements Closeable {
  final PlannedImage planned;
  final VirtualDisk disk;
  final UTF8String path;
  final UTF8String[] layerPaths;
  final VhdImage[] layers;

  private OpenImage(PlannedImage planned, VirtualDisk disk) {
    this.planned = planned;
    this.disk = disk;
    this.path = UTF8String.fromString(planned.path());
    int count = disk.layerCount();
    this.layerPaths = new UTF8String[count];
    this.layers = new VhdImage[count];
    for (int k = 0; k < count; k++) {
      VhdChain.Layer layer = disk.chain().layers().get(k);
      layers[k] = layer.image();
      layerPaths[k] = k == 0 ? path : UTF8String.fromString(HadoopLocations.display(layer.location()));
    }
  }

  static OpenImage open(ChainOpener opener, PlannedImage planned) throws IOException {
    VirtualDisk disk;
    try {
      disk = opener.open(planned);
    } catch (IOException e) {
      throw new NotAsPlannedException(planned.path(), e);
    }
    return new OpenImage(planned, disk);
  }

  /** The chain the driver planned cannot be opened again in the task: a file changed, or an I/O error. */
  static final class NotAsPlannedException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private NotAsPlannedException(String path, IOException cause) {
      super("vhd: cannot open " + path + " and its chain as planned: " + cause.getMessage(), cause);
    }

    /** What went wrong while opening. */
    IOException failure() {
      return (IOException) getCause();
    }
  }

  /** Bytes read from the image's own file. */
  long imageBytesRead() {
    return bytesRead(layers[0].source());
  }

  /** Bytes read from the files of its ancestors. */
  long ancestorBytesRead() {
    long total = 0;
    for (int k = 1; k < layers.length; k++) {
      total += bytesRead(layers[k].source());
    }
    return total;
  }

  private static long bytesRead(ReadSource source) {
    return source instanceof HadoopReadSource hadoop ? hadoop.bytesRead() : 0;
  }

  @Override
  public void close() throws IOException {
    disk.close();
  }
}
