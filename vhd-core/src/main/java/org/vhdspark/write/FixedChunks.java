package org.vhdspark.write;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormat;

/**
 * A new fixed image cut into chunks that many writers fill at once and a join lays end to end: the
 * disk's bytes in chunks of {@code chunkBytes} (a whole number of 2 MiB blocks; the last chunk may be
 * shorter), and the footer at the end of the last chunk. Every chunk must be written, zeros included,
 * so the pieces join by concatenation alone.
 *
 * @param size       the disk's size in bytes, a multiple of 512
 * @param chunkBytes bytes of disk per chunk
 * @param uniqueId   the image's unique id
 * @param timestamp  its creation time, in VHD seconds
 */
public record FixedChunks(long size, long chunkBytes, UUID uniqueId, int timestamp) {
  /** Chunks are at least this large, so their number stays small. */
  public static final long MIN_CHUNK_BYTES = 64L << 20;
  /** At most this many chunks: S3 joins at most 10,000 parts. */
  public static final int MAX_CHUNKS = 9_000;
  /** The block the chunks are measured in (a chunk holds a whole number of them). */
  public static final int BLOCK_BYTES = VhdFormat.DEFAULT_BLOCK_SIZE;

  public FixedChunks {
    if (size <= 0 || size % VhdFormat.SECTOR_SIZE != 0 || size > VhdFormat.MAX_VIRTUAL_SIZE) {
      throw new IllegalArgumentException("size must be a positive multiple of 512 up to 2040 GiB: " + size);
    }
    if (chunkBytes <= 0 || chunkBytes % BLOCK_BYTES != 0) {
      throw new IllegalArgumentException("chunk size must be a positive multiple of 2 MiB: " + chunkBytes);
    }
  }

  /** A fixed image of {@code size} bytes, new identity, in chunks of at least 64 MiB. */
  public static FixedChunks of(long size) {
    long perChunk = Math.max(MIN_CHUNK_BYTES, -Math.floorDiv(-size, MAX_CHUNKS));
    long chunk = -Math.floorDiv(-perChunk, BLOCK_BYTES) * BLOCK_BYTES;
    return new FixedChunks(size, chunk, UUID.randomUUID(), ImageSpec.now());
  }

  public int chunkCount() {
    return (int) -Math.floorDiv(-size, chunkBytes);
  }

  /** The chunk that holds block {@code block} (2 MiB blocks). */
  public int chunkOfBlock(long block) {
    return (int) (block / (chunkBytes / BLOCK_BYTES));
  }

  /** Where chunk {@code index} starts on the disk and in the image. */
  public long chunkOffset(int index) {
    return index * chunkBytes;
  }

  /** Bytes of disk chunk {@code index} holds. */
  public long chunkDataLength(int index) {
    return Math.min(chunkBytes, size - chunkOffset(index));
  }

  /** Bytes of chunk {@code index}'s piece of the image: its data, and the footer for the last chunk. */
  public long pieceLength(int index) {
    return chunkDataLength(index) + (index == chunkCount() - 1 ? VhdFormat.FOOTER_SIZE : 0);
  }

  /** The whole image's size in bytes. */
  public long imageSize() {
    return size + VhdFormat.FOOTER_SIZE;
  }

  /** The footer's 512 bytes. */
  public ByteBuffer footer() {
    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    ImageSpec.footer(DiskType.FIXED, size, uniqueId, timestamp, VhdFormat.NO_OFFSET).writeTo(footer);
    return footer.clear();
  }
}
