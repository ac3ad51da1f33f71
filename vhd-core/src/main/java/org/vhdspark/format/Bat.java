package org.vhdspark.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The block allocation table: per block, the sector offset of its bitmap, or {@link VhdFormat#UNALLOCATED}. */
public final class Bat {
  private final int[] entries;

  public Bat(int[] entries) {
    this.entries = entries;
  }

  /** Reads {@code count} entries from {@code buf} at its position. */
  public static Bat parse(ByteBuffer buf, int count) {
    ByteBuffer b = buf.slice(buf.position(), count * 4).order(ByteOrder.BIG_ENDIAN);
    int[] entries = new int[count];
    b.asIntBuffer().get(entries);
    return new Bat(entries);
  }

  public int size() {
    return entries.length;
  }

  public boolean isAllocated(int block) {
    return entries[block] != VhdFormat.UNALLOCATED;
  }

  /** Byte offset of the block's bitmap; only for allocated blocks. */
  public long bitmapOffset(int block) {
    return VhdFormat.toUnsigned(entries[block]) << VhdFormat.SECTOR_SHIFT;
  }

  public int entry(int block) {
    return entries[block];
  }

  public int allocatedCount() {
    int count = 0;
    for (int entry : entries) {
      if (entry != VhdFormat.UNALLOCATED) {
        count++;
      }
    }
    return count;
  }

  /** Bytes the table takes on disk: four per entry, padded to a sector. */
  public static long sizeOnDisk(long entries) {
    return VhdFormat.roundUpToSector(entries * 4);
  }
}
