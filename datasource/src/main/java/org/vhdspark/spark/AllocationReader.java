package org.vhdspark.spark;

import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.StructType;
import org.vhdspark.image.BlockRuns;

/**
 * Rows of the allocation output: one per run of sectors with one owner, within a block (zero runs
 * only with {@code includeUnallocated}). Reads BATs and bitmaps, never sector data.
 */
final class AllocationReader extends SliceReader {
  private final boolean includeUnallocated;
  private final LongRanges blockFilter;
  private final LongRanges sectorFilter;
  private final int pathOrdinal;
  private final int blockOrdinal;
  private final int sectorOrdinal;
  private final int countOrdinal;
  private final int layerOrdinal;
  private final int layerPathOrdinal;
  private final UnsafeRowWriter writer;
  private final BlockRuns runs = new BlockRuns();

  private long[] ranges;
  private int rangeIndex;
  private long nextBlock;
  private long block;
  private int run;
  private boolean inBlock;
  private InternalRow current;

  AllocationReader(ChainOpener opener, VhdInputPartition partition, StructType schema, VhdReadOptions options,
      LongRanges blockFilter, LongRanges sectorFilter) {
    super(opener, partition, schema);
    this.includeUnallocated = options.includeUnallocated();
    this.blockFilter = blockFilter;
    this.sectorFilter = sectorFilter;
    this.pathOrdinal = ordinal(VhdSchemas.PATH);
    this.blockOrdinal = ordinal(VhdSchemas.BLOCK);
    this.sectorOrdinal = ordinal(VhdSchemas.SECTOR);
    this.countOrdinal = ordinal(VhdSchemas.SECTOR_COUNT);
    this.layerOrdinal = ordinal(VhdSchemas.RUN_LAYER);
    this.layerPathOrdinal = ordinal(VhdSchemas.RUN_LAYER_PATH);
    this.writer = new UnsafeRowWriter(schema.size(), 256);
  }

  @Override
  protected void started() {
    ranges = slice.blockRanges();
    rangeIndex = -2;
    nextBlock = 0;
    inBlock = false;
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      if (inBlock && nextRun()) {
        writeRow();
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
  public InternalRow get() {
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
      long first = block * sectorsPerBlock;
      long end = Math.min(first + sectorsPerBlock, image.disk.sectorCount());
      if (!blockFilter.contains(block) || !sectorFilter.intersects(first, end - 1)) {
        continue;
      }
      image.disk.runs((int) block, runs);
      metrics.blocks++;
      run = -1;
      inBlock = true;
      return true;
    }
  }

  private boolean nextRun() {
    while (++run < runs.count()) {
      if ((includeUnallocated || runs.layer(run) != BlockRuns.ZEROS) && sectorFilter.contains(runs.start(run))) {
        return true;
      }
    }
    return false;
  }

  private void writeRow() {
    int layer = runs.layer(run);
    writer.reset();
    writer.zeroOutNullBytes();
    if (pathOrdinal >= 0) {
      writer.write(pathOrdinal, image.path);
    }
    if (blockOrdinal >= 0) {
      writer.write(blockOrdinal, block);
    }
    if (sectorOrdinal >= 0) {
      writer.write(sectorOrdinal, runs.start(run));
    }
    if (countOrdinal >= 0) {
      writer.write(countOrdinal, (long) runs.length(run));
    }
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
    metrics.sectors += runs.length(run);
    current = writer.getRow();
  }
}
