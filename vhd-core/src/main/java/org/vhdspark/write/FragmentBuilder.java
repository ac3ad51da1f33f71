package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.vhdspark.format.Bits;
import org.vhdspark.format.VhdFormat;

/**
 * Turns runs of sectors, given in ascending order, into the whole blocks of a fragment: each block
 * gets the bits of exactly the sectors given (zeros included: in a child they hide the parent's
 * data) and zeros elsewhere, and blocks that receive no sector are not written. A run may cross
 * block boundaries. Memory is one block, whatever the image size. What a Spark task of the write
 * does with its rows, sorted by sector. Not thread-safe.
 */
public final class FragmentBuilder {
  private final BlockSink sink;
  private final long sectorCount;
  private final int sectorsPerBlock;
  private final byte[] bitmap;
  private final byte[] data;
  private int block = -1;
  /** The first sector a next run may start at: past every sector given so far. */
  private long nextSector;

  public FragmentBuilder(BlockSink sink, ImageSpec spec) {
    this(sink, spec.size(), spec.blockSize());
  }

  /** Blocks of {@code blockSize} bytes of a disk of {@code diskSize} bytes, into {@code sink}. */
  public FragmentBuilder(BlockSink sink, long diskSize, int blockSize) {
    this.sink = sink;
    this.sectorCount = diskSize >>> VhdFormat.SECTOR_SHIFT;
    this.sectorsPerBlock = blockSize >>> VhdFormat.SECTOR_SHIFT;
    this.bitmap = new byte[VhdFormat.bitmapBytes(blockSize)];
    this.data = new byte[blockSize];
  }

  /**
   * Adds the sectors {@code bytes} holds, starting at {@code sector}: a whole number of sectors, all
   * inside the disk, after every sector added before.
   *
   * @throws IllegalArgumentException naming the sector when the run breaks one of those rules
   */
  public void add(long sector, ByteBuffer bytes) throws IOException {
    int length = bytes.remaining();
    if (length == 0 || (length & (VhdFormat.SECTOR_SIZE - 1)) != 0) {
      throw new IllegalArgumentException("sector " + sector + ": " + length + " bytes, not a whole number of 512-byte sectors");
    }
    long count = length >>> VhdFormat.SECTOR_SHIFT;
    if (sector < 0 || sector > sectorCount - count) {
      throw new IllegalArgumentException(String.format("sector %,d: %,d sectors from there pass the end of the disk (%,d sectors)",
          sector, count, sectorCount));
    }
    if (sector < nextSector) {
      throw new IllegalArgumentException(String.format("sector %,d given twice, or out of order: sectors up to %,d were given before",
          sector, nextSector - 1));
    }
    nextSector = sector + count;
    int at = bytes.position();
    for (long s = sector; s < nextSector; ) {
      int target = (int) (s / sectorsPerBlock);
      if (target != block) {
        flush();
        block = target;
      }
      int inBlock = (int) (s % sectorsPerBlock);
      int n = (int) Math.min(nextSector - s, sectorsPerBlock - inBlock);
      bytes.get(at, data, inBlock << VhdFormat.SECTOR_SHIFT, n << VhdFormat.SECTOR_SHIFT);
      Bits.setRange(bitmap, inBlock, n);
      at += n << VhdFormat.SECTOR_SHIFT;
      s += n;
    }
    bytes.position(bytes.limit());
  }

  /** Writes the last block; call once, after the last run. */
  public void finish() throws IOException {
    flush();
  }

  private void flush() throws IOException {
    if (block < 0) {
      return;
    }
    sink.addBlock(block, ByteBuffer.wrap(bitmap), ByteBuffer.wrap(data));
    Arrays.fill(bitmap, (byte) 0);
    Arrays.fill(data, (byte) 0);
    block = -1;
  }
}
