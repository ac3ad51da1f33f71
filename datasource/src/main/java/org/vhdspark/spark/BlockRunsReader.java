package org.vhdspark.spark;

import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.StructType;
import org.vhdspark.image.BlockRuns;

/**
 * Walks the blocks of each slice that the pushed block and sector filters leave, computing each
 * block's runs once; subclasses turn a block's runs into rows.
 */
abstract class BlockRunsReader extends SliceReader {
  protected final LongRanges blockFilter;
  protected final LongRanges sectorFilter;
  protected final BlockRuns runs = new BlockRuns();
  protected final UnsafeRowWriter writer;
  private final int pathOrdinal;
  private final int blockOrdinal;
  private final int sectorOrdinal;
  private final int layerOrdinal;
  private final int layerPathOrdinal;
  /** The current block, its first sector and the sector past its end. */
  protected long block;
  protected long blockFirst;
  protected long blockEnd;

  private long[] ranges;
  private int rangeIndex;
  private long nextBlock;
  private boolean inBlock;
  private InternalRow current;

  /**
   * {@code layerColumn} and {@code layerPathColumn} name the output's layer columns; the row writer
   * starts with room for {@code rowBytes}.
   */
  BlockRunsReader(ChainOpener opener, VhdInputPartition partition, StructType schema, LongRanges blockFilter,
      LongRanges sectorFilter, String layerColumn, String layerPathColumn, int rowBytes) {
    super(opener, partition, schema);
    this.blockFilter = blockFilter;
    this.sectorFilter = sectorFilter;
    this.pathOrdinal = ordinal(VhdSchemas.PATH);
    this.blockOrdinal = ordinal(VhdSchemas.BLOCK);
    this.sectorOrdinal = ordinal(VhdSchemas.SECTOR);
    this.layerOrdinal = ordinal(layerColumn);
    this.layerPathOrdinal = ordinal(layerPathColumn);
    this.writer = new UnsafeRowWriter(schema.size(), rowBytes);
  }

  /** Prepares for the block whose runs were just computed; false when it has no rows. */
  protected abstract boolean enterBlock();

  /** Moves to the block's next row; false when the block has no more. */
  protected abstract boolean nextRowInBlock();

  /** Writes the current row. */
  protected abstract InternalRow writeRow() throws IOException;

  /** Called when a new slice's image is open, before its first block. */
  protected void sliceStarted() {}

  @Override
  protected final void started() {
    ranges = slice.blockRanges();
    rangeIndex = -2;
    nextBlock = 0;
    inBlock = false;
    sliceStarted();
  }

  @Override
  public final boolean next() throws IOException {
    while (true) {
      if (inBlock && nextRowInBlock()) {
        current = writeRow();
        return true;
      }
      if (image != null && nextBlock()) {
        continue;
      }
      if (!nextSlice()) {
        return false;
      }
    }
  }

  @Override
  public final InternalRow get() {
    return current;
  }

  private boolean nextBlock() throws IOException {
    inBlock = false;
    int sectorsPerBlock = image.disk.sectorsPerBlock();
    while (true) {
      if (rangeIndex < 0 || nextBlock >= ranges[rangeIndex + 1]) {
        rangeIndex += 2;
        if (rangeIndex >= ranges.length) {
          return false;
        }
        nextBlock = ranges[rangeIndex];
      }
      block = nextBlock++;
      blockFirst = block * sectorsPerBlock;
      blockEnd = Math.min(blockFirst + sectorsPerBlock, image.disk.sectorCount());
      if (!blockFilter.contains(block) || !sectorFilter.intersects(blockFirst, blockEnd - 1)) {
        continue;
      }
      image.disk.runs((int) block, runs);
      metrics.blocks++;
      if (enterBlock()) {
        inBlock = true;
        return true;
      }
    }
  }

  /** Starts a row of the current block whose first sector is {@code sector}: path, block and sector. */
  protected final void beginRow(long sector) {
    writer.reset();
    writer.zeroOutNullBytes();
    if (pathOrdinal >= 0) {
      writer.write(pathOrdinal, image.path);
    }
    if (blockOrdinal >= 0) {
      writer.write(blockOrdinal, block);
    }
    if (sectorOrdinal >= 0) {
      writer.write(sectorOrdinal, sector);
    }
  }

  /** Whether the output asks for the layer columns. */
  protected final boolean wantsLayer() {
    return layerOrdinal >= 0 || layerPathOrdinal >= 0;
  }

  /** Writes the layer columns of a row held by {@code layer} (null for zeros). */
  protected final void writeLayer(int layer) {
    if (layerOrdinal >= 0) {
      if (layer == BlockRuns.ZEROS) {
        writer.setNullAt(layerOrdinal);
      } else {
        writer.write(layerOrdinal, layer);
      }
    }
    if (layerPathOrdinal >= 0) {
      if (layer == BlockRuns.ZEROS) {
        writer.setNullAt(layerPathOrdinal);
      } else {
        writer.write(layerPathOrdinal, image.layerPaths[layer]);
      }
    }
  }
}
