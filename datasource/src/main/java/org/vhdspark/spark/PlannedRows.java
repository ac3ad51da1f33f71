package org.vhdspark.spark;

import java.nio.charset.StandardCharsets;

/**
 * The rows a scan will give, as far as the plan tells without reading bitmaps, for the optimizer's
 * statistics.
 *
 * @param rows      the rows: exact, or (where bitmaps decide which rows exist) an upper bound for
 *                  sectors and an estimate for allocation
 * @param pathBytes the bytes of the {@code path} values of those rows
 * @param exact     whether {@code rows} is the exact count
 */
record PlannedRows(long rows, long pathBytes, boolean exact) {
  static final PlannedRows NONE = new PlannedRows(0, 0, true);

  /** {@code rows} rows of the image at {@code path}. */
  static PlannedRows of(String path, long rows, boolean exact) {
    return new PlannedRows(rows, Math.multiplyExact(rows, path.getBytes(StandardCharsets.UTF_8).length), exact);
  }

  PlannedRows plus(PlannedRows other) {
    return new PlannedRows(Math.addExact(rows, other.rows), Math.addExact(pathBytes, other.pathBytes), exact && other.exact);
  }
}
