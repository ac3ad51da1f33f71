package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Takes whole blocks of a new image in ascending order, each as its sector bitmap and its data:
 * what {@link FragmentBuilder} hands on. A {@link FragmentWriter} keeps both, as a dynamic or
 * differencing image lays them out; a {@link FixedChunkWriter} keeps the data in place.
 */
public interface BlockSink {
  /**
   * Takes block {@code index}: its bitmap (MSB first, the block's whole bitmap) and its data (the
   * full block size, zeros where nothing is stored).
   */
  void addBlock(int index, ByteBuffer bitmap, ByteBuffer data) throws IOException;
}
