package org.vhdspark.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.StructType;
import org.vhdspark.image.BlockRuns;

/**
 * Rows of the allocation output: one per run of sectors with one owner, within a block (zero runs
 * only with {@code includeUnallocated}). Reads BATs and bitmaps, never sector data.
 */
final class AllocationReader extends BlockRunsReader {
  private final boolean includeUnallocated;
  private final int pathOrdinal;
  private final int blockOrdinal;
  private final int sectorOrdinal;
  private final int countOrdinal;
  private final int layerOrdinal;
  private final int layerPathOrdinal;
  private final UnsafeRowWriter writer;
  private int run;

  AllocationReader(ChainOpener opener, VhdInputPartition partition, StructType schema, VhdReadOptions options,
      LongRanges blockFilter, LongRanges sectorFilter) {
    super(opener, partition, schema, blockFilter, sectorFilter);
    this.includeUnallocated = options.includeUnallocated();
    this.pathOrdinal = ordinal(VhdSchemas.PATH);
    this.blockOrdinal = ordinal(VhdSchemas.BLOCK);
    this.sectorOrdinal = ordinal(VhdSchemas.SECTOR);
    this.countOrdinal = ordinal(VhdSchemas.SECTOR_COUNT);
    this.layerOrdinal = ordinal(VhdSchemas.RUN_LAYER);
    this.layerPathOrdinal = ordinal(VhdSchemas.RUN_LAYER_PATH);
    this.writer = new UnsafeRowWriter(schema.size(), 256);
  }

  @Override
  protected boolean enterBlock() {
    run = -1;
    return true;
  }

  @Override
  protected boolean nextRowInBlock() {
    while (++run < runs.count()) {
      if ((includeUnallocated || runs.layer(run) != BlockRuns.ZEROS) && sectorFilter.contains(runs.start(run))) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected InternalRow writeRow() {
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
    writeLayer(writer, layerOrdinal, layerPathOrdinal, runs.layer(run));
    metrics.sectors += runs.length(run);
    return writer.getRow();
  }
}
