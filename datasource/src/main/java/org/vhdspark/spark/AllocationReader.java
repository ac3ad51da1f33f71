package org.vhdspark.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.vhdspark.image.BlockRuns;

/**
 * Rows of the allocation output: one per run of sectors with one owner, within a block (zero runs
 * only with {@code includeUnallocated}). Reads BATs and bitmaps, never sector data.
 */
final class AllocationReader extends BlockRunsReader {
  private final boolean includeUnallocated;
  private final int countOrdinal;
  private int run;

  AllocationReader(ChainOpener opener, VhdInputPartition partition, StructType schema, VhdReadOptions options,
      LongRanges blockFilter, LongRanges sectorFilter) {
    super(opener, partition, schema, blockFilter, sectorFilter, VhdSchemas.RUN_LAYER, VhdSchemas.RUN_LAYER_PATH, 256);
    this.includeUnallocated = options.includeUnallocated();
    this.countOrdinal = ordinal(VhdSchemas.SECTOR_COUNT);
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
    beginRow(runs.start(run));
    if (countOrdinal >= 0) {
      writer.write(countOrdinal, (long) runs.length(run));
    }
    writeLayer(runs.layer(run));
    metrics.sectors += runs.length(run);
    return writer.getRow();
  }
}
