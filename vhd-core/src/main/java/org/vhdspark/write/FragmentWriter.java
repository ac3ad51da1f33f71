package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.WriteSink;

/**
 * Writes whole blocks of a new image, one after another, into a fragment: a file of its own that
 * {@link FragmentedImage} later joins with the others between the image's head and footer. Each
 * block is its bitmap then its data, exactly as it will lie in the image, so joining copies nothing
 * but whole fragments. Remembers which blocks it holds, in order. Not thread-safe.
 */
public final class FragmentWriter implements BlockSink {
  private final WriteSink sink;
  private final ImageSpec spec;
  private final int bitmapBytes;
  private int[] blocks = new int[16];
  private int count;
  private long padding;

  public FragmentWriter(WriteSink sink, ImageSpec spec) {
    this.sink = sink;
    this.spec = spec;
    this.bitmapBytes = VhdFormat.bitmapBytes(spec.blockSize());
  }

  /**
   * Appends block {@code index}: its bitmap ({@code bitmapBytes} bytes, MSB first) and its data (the
   * full block size, zeros where nothing is stored).
   */
  @Override
  public void addBlock(int index, ByteBuffer bitmap, ByteBuffer data) throws IOException {
    if (padding > 0) {
      throw new IllegalStateException(sink.name() + ": block " + index + " added after the fragment was padded");
    }
    if (index < 0 || index >= spec.blockCount()) {
      throw new IllegalArgumentException(sink.name() + ": block " + index + " outside the image's " + spec.blockCount() + " blocks");
    }
    if (bitmap.remaining() != bitmapBytes || data.remaining() != spec.blockSize()) {
      throw new IllegalArgumentException(sink.name() + ": block " + index + " needs a " + bitmapBytes + "-byte bitmap and "
          + spec.blockSize() + " bytes of data, got " + bitmap.remaining() + " and " + data.remaining());
    }
    long offset = length();
    sink.write(offset, bitmap);
    sink.write(offset + bitmapBytes, data);
    if (count == blocks.length) {
      blocks = Arrays.copyOf(blocks, count * 2);
    }
    blocks[count++] = index;
  }

  /** The blocks written, in the order they lie in the fragment. */
  public int[] blocks() {
    return Arrays.copyOf(blocks, count);
  }

  /**
   * Appends zeros up to {@code bytes} (a multiple of 512), for stores whose joins need pieces of a
   * minimum size (S3's 5 MiB parts): readers go by the BAT, so the zeros between blocks are unused.
   * Call after the last block; does nothing when the fragment is that long already.
   */
  public void padTo(long bytes) throws IOException {
    if (bytes % VhdFormat.SECTOR_SIZE != 0) {
      throw new IllegalArgumentException(sink.name() + ": padding to " + bytes + " bytes, not a multiple of 512");
    }
    Zeros.write(sink, length(), bytes - length());
    padding += Math.max(0, bytes - length());
  }

  /** Bytes written so far. */
  public long length() {
    return count * (bitmapBytes + (long) spec.blockSize()) + padding;
  }
}
