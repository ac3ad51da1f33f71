package org.vhdspark.spark;

import java.util.OptionalLong;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.vhdspark.format.VhdFormat;

/**
 * What the optimizer learns of a scan from its plan: the size of its rows, so that a small read is
 * broadcast in a join, and their count where the plan knows it exactly. A row counts 8 bytes (as
 * Spark counts a row) plus, per column read: its image's path for {@code path}, its data for
 * {@code bytes} ({@code sectorsPerRow} × 512), and Spark's default size of the type for the others.
 */
record ScanStatistics(long bytes, OptionalLong rows) implements Statistics {
  private static final long ROW_OVERHEAD = 8;

  static ScanStatistics of(PlannedRows planned, StructType readSchema, int sectorsPerRow) {
    long rowBytes = ROW_OVERHEAD;
    boolean readsPath = false;
    for (StructField field : readSchema.fields()) {
      switch (field.name()) {
        case VhdSchemas.PATH -> readsPath = true;
        case VhdSchemas.BYTES -> rowBytes += (long) sectorsPerRow << VhdFormat.SECTOR_SHIFT;
        default -> rowBytes += field.dataType().defaultSize();
      }
    }
    long bytes = Math.addExact(Math.multiplyExact(planned.rows(), rowBytes), readsPath ? planned.pathBytes() : 0);
    // Never 0: Spark multiplies sizes (joins), and an empty read is still a read.
    return new ScanStatistics(Math.max(1, bytes), planned.exact() ? OptionalLong.of(planned.rows()) : OptionalLong.empty());
  }

  @Override
  public OptionalLong sizeInBytes() {
    return OptionalLong.of(bytes);
  }

  @Override
  public OptionalLong numRows() {
    return rows;
  }
}
