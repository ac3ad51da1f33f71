package org.vhdspark.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.UUID;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.write.FixedChunks;
import org.vhdspark.write.ImageSpec;

/**
 * What a write's tasks need to know of the new image's layout, shipped to them: a sparse image
 * (dynamic or differencing: blocks of {@code blockSize} into fragments) or a fixed one (chunks of
 * {@code chunkBytes}, with the footer's identity). Rows are clustered by {@link #keyOfBlock}.
 *
 * @param fixed            whether the image is fixed
 * @param size             the disk's size in bytes
 * @param blockSize        sparse: the block size; fixed: the 2 MiB the chunks are measured in
 * @param chunkBytes       fixed: bytes per chunk (0 for sparse images)
 * @param uniqueId         fixed: the image's unique id (the last chunk holds the footer)
 * @param timestamp        fixed: its creation time
 * @param minimumPieceBytes the smallest fragment the join takes (S3: 5 MiB); tasks pad to it
 */
record WriteLayout(boolean fixed, long size, int blockSize, long chunkBytes, UUID uniqueId, int timestamp,
    long minimumPieceBytes) implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  static WriteLayout sparse(ImageSpec spec, long minimumPieceBytes) {
    return new WriteLayout(false, spec.size(), spec.blockSize(), 0, null, 0, minimumPieceBytes);
  }

  static WriteLayout fixed(FixedChunks chunks, long minimumPieceBytes) {
    return new WriteLayout(true, chunks.size(), FixedChunks.BLOCK_BYTES, chunks.chunkBytes(), chunks.uniqueId(),
        chunks.timestamp(), minimumPieceBytes);
  }

  FixedChunks chunks() {
    return new FixedChunks(size, chunkBytes, uniqueId, timestamp);
  }

  /** A spec with this layout's size and block size, for the fragment writers (identity not needed). */
  ImageSpec fragmentSpec() {
    return ImageSpec.dynamic(size).withBlockSize(blockSize);
  }

  long sectorCount() {
    return size >>> VhdFormat.SECTOR_SHIFT;
  }

  int sectorsPerBlock() {
    return blockSize >>> VhdFormat.SECTOR_SHIFT;
  }

  /** Blocks per clustering key: 1 for sparse images, a chunk's blocks for fixed ones. */
  long blocksPerKey() {
    return fixed ? chunkBytes / blockSize : 1;
  }

  /** How many keys there are: blocks, or chunks. */
  long keyCount() {
    long blocks = -Math.floorDiv(-size, blockSize);
    return -Math.floorDiv(-blocks, blocksPerKey());
  }
}
