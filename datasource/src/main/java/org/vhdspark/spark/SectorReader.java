package org.vhdspark.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.BlockRuns;

/**
 * Rows of the sectors output: per block, the runs of the view decide which rows exist (rows holding
 * an allocated sector, or every row with {@code includeUnallocated}); their bytes are read one
 * positional read per run into a reused window of at most a block, and each row is written by a
 * reused {@link UnsafeRowWriter}. Nothing is allocated per row; without the {@code bytes} column no
 * data is read at all.
 */
final class SectorReader extends BlockRunsReader {
  /** Largest window of a block read at once: bounds memory for blocks larger than 2 MiB. */
  static final int MAX_WINDOW_SECTORS = 8192;

  private final int sectorsPerRow;
  private final boolean includeUnallocated;
  private final int bytesOrdinal;

  /** Row starts to emit, as inclusive {@code lo, hi} pairs in steps of sectorsPerRow. */
  private long[] emit = new long[32];
  private int emitCount;
  private int emitIndex;
  private long row;
  private int runCursor;

  private byte[] buffer = new byte[0];
  private ByteBuffer bufferView = ByteBuffer.wrap(buffer);
  private int windowSectors;
  private long windowStart;
  private long loadedStart;
  private long loadedEnd;

  SectorReader(ChainOpener opener, VhdInputPartition partition, StructType schema, VhdReadOptions options,
      LongRanges blockFilter, LongRanges sectorFilter) {
    super(opener, partition, schema, blockFilter, sectorFilter, VhdSchemas.LAYER, VhdSchemas.LAYER_PATH,
        rowBytes(schema, options));
    this.sectorsPerRow = options.sectorsPerRow();
    this.includeUnallocated = options.includeUnallocated();
    this.bytesOrdinal = ordinal(VhdSchemas.BYTES);
  }

  @Override
  protected void sliceStarted() {
    int sectorsPerBlock = image.disk.sectorsPerBlock();
    windowSectors = Math.max(sectorsPerRow, Math.min(sectorsPerBlock, MAX_WINDOW_SECTORS));
    int windowBytes = windowSectors << VhdFormat.SECTOR_SHIFT;
    if (bytesOrdinal >= 0 && buffer.length < windowBytes) {
      buffer = new byte[windowBytes];
      bufferView = ByteBuffer.wrap(buffer);
    }
  }

  @Override
  protected boolean enterBlock() {
    findRows();
    emitIndex = 0;
    row = blockFirst;
    runCursor = 0;
    loadedStart = loadedEnd = -1;
    return emitCount > 0;
  }

  /** The row starts of this block to emit: rows holding any sector of an emitted run. */
  private void findRows() {
    emitCount = 0;
    for (int i = 0; i < runs.count(); i++) {
      if (runs.layer(i) == BlockRuns.ZEROS && !includeUnallocated) {
        continue;
      }
      long lo = alignDown(runs.start(i));
      long hi = alignDown(runs.start(i) + runs.length(i) - 1);
      if (emitCount > 0 && lo <= emit[2 * emitCount - 1] + sectorsPerRow) {
        emit[2 * emitCount - 1] = Math.max(hi, emit[2 * emitCount - 1]);
        continue;
      }
      if (2 * emitCount + 2 > emit.length) {
        emit = Arrays.copyOf(emit, emit.length * 2);
      }
      emit[2 * emitCount] = lo;
      emit[2 * emitCount + 1] = hi;
      emitCount++;
    }
  }

  /** Sets {@link #row} to the next row start to emit in this block, if any. */
  @Override
  protected boolean nextRowInBlock() {
    while (emitIndex < emitCount) {
      long hi = emit[2 * emitIndex + 1];
      long candidate = Math.max(row, emit[2 * emitIndex]);
      // The first row start at or after the candidate that the sector filter allows.
      while (candidate <= hi) {
        long allowed = sectorFilter.ceiling(candidate);
        if (allowed < 0) {
          emitIndex = emitCount;
          return false;
        }
        candidate = alignUp(allowed);
        if (candidate == allowed) {
          break;
        }
      }
      if (candidate <= hi) {
        row = candidate;
        return true;
      }
      emitIndex++;
    }
    return false;
  }

  @Override
  protected InternalRow writeRow() throws IOException {
    long start = row;
    int sectors = (int) Math.min(sectorsPerRow, blockEnd - start);
    beginRow(start);
    if (bytesOrdinal >= 0) {
      load(start, sectors);
      writer.write(bytesOrdinal, buffer, (int) (start - windowStart) << VhdFormat.SECTOR_SHIFT, sectors << VhdFormat.SECTOR_SHIFT);
    }
    if (wantsLayer()) {
      writeLayer(newestLayer(start, sectors));
    }
    metrics.sectors += sectors;
    row = start + sectorsPerRow;
    return writer.getRow();
  }

  /** Makes sure the bytes of sectors {@code [start, start + count)} are in the buffer. */
  private void load(long start, int count) throws IOException {
    if (start >= loadedStart && start + count <= loadedEnd) {
      return;
    }
    windowStart = blockFirst + (start - blockFirst) / windowSectors * windowSectors;
    long windowEnd = Math.min(windowStart + windowSectors, blockEnd);
    // Read ahead only over rows that will be emitted: those of this block and of the filter's range.
    long lastRowStart = Math.min(emit[2 * emitCount - 1], sectorFilter.rangeEnd(start));
    loadedStart = start;
    loadedEnd = Math.min(windowEnd, Math.min(alignDown(lastRowStart) + sectorsPerRow, blockEnd));
    for (int i = runs.find(loadedStart); i < runs.count() && runs.start(i) < loadedEnd; i++) {
      long from = Math.max(runs.start(i), loadedStart);
      long to = Math.min(runs.start(i) + runs.length(i), loadedEnd);
      if (from >= to) {
        continue;
      }
      int offset = (int) (from - windowStart) << VhdFormat.SECTOR_SHIFT;
      int length = (int) (to - from) << VhdFormat.SECTOR_SHIFT;
      int layer = runs.layer(i);
      if (layer == BlockRuns.ZEROS) {
        Arrays.fill(buffer, offset, offset + length, (byte) 0);
      } else {
        bufferView.clear();
        bufferView.position(offset).limit(offset + length);
        image.layers[layer].readHeld(from << VhdFormat.SECTOR_SHIFT, bufferView);
        metrics.dataBytes += length;
      }
    }
  }

  /** The newest layer holding any of the row's sectors, or ZEROS. */
  private int newestLayer(long start, int count) {
    while (runCursor < runs.count() - 1 && runs.start(runCursor) + runs.length(runCursor) <= start) {
      runCursor++;
    }
    int newest = BlockRuns.ZEROS;
    for (int i = runCursor; i < runs.count() && runs.start(i) < start + count; i++) {
      int layer = runs.layer(i);
      if (layer != BlockRuns.ZEROS && (newest == BlockRuns.ZEROS || layer < newest)) {
        newest = layer;
      }
    }
    return newest;
  }

  /** Room a row needs: its bytes, when selected, and the fixed-width fields. */
  private static int rowBytes(StructType schema, VhdReadOptions options) {
    boolean bytes = java.util.Arrays.asList(schema.fieldNames()).contains(VhdSchemas.BYTES);
    return (bytes ? options.sectorsPerRow() << VhdFormat.SECTOR_SHIFT : 0) + 64;
  }

  private long alignDown(long sector) {
    return sector & -(long) sectorsPerRow;
  }

  private long alignUp(long sector) {
    return (sector + sectorsPerRow - 1) & -(long) sectorsPerRow;
  }
}
