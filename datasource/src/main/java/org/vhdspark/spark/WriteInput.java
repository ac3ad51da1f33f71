package org.vhdspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows a write takes, checked and made ready for its tasks: {@code sector} BIGINT and
 * {@code bytes} BINARY (names case-insensitive); the other columns this source's reads produce are
 * ignored, anything else is an error naming it. Rows that cross a block boundary are cut there, so
 * every block is built by one task; the rows are clustered by block (by chunk for a fixed image,
 * whose every chunk also gets one filler row so it is written even without data) and sorted by
 * sector within each task. Bad rows (null, a length that is not whole sectors, past the end) pass
 * through uncut, for the task to refuse naming them.
 */
final class WriteInput {
  /** Columns of the prepared rows, in this order. */
  static final int KEY = 0;
  static final int SECTOR = 1;
  static final int BYTES = 2;
  static final int ROW_SECTOR = 3;
  static final int FILL = 4;

  /** What a read of this source produces besides sector and bytes: accepted, ignored. */
  private static final List<String> IGNORED = List.of("path", "block", "base_path", VhdSchemas.LAYER, VhdSchemas.LAYER_PATH);

  private WriteInput() {}

  /** The names of the {@code sector} and {@code bytes} columns, as the DataFrame spells them. */
  record Columns(String sector, String bytes) {}

  static Columns check(StructType schema) {
    String sector = null;
    String bytes = null;
    for (StructField field : schema.fields()) {
      String name = field.name().toLowerCase(Locale.ROOT);
      if (name.equals("sector")) {
        sector = requireType(field, DataTypes.LongType, "BIGINT");
      } else if (name.equals("bytes")) {
        bytes = requireType(field, DataTypes.BinaryType, "BINARY");
      } else if (!IGNORED.contains(name)) {
        throw new IllegalArgumentException("vhd write: column '" + field.name() + "' is not one this source writes: it takes "
            + "sector BIGINT and bytes BINARY (and ignores " + String.join(", ", IGNORED) + "); select or drop columns first");
      }
    }
    if (sector == null || bytes == null) {
      throw new IllegalArgumentException("vhd write: the rows need columns sector BIGINT and bytes BINARY; found "
          + schema.simpleString());
    }
    return new Columns(sector, bytes);
  }

  private static String requireType(StructField field, DataType type, String sql) {
    if (!field.dataType().equals(type)) {
      throw new IllegalArgumentException("vhd write: column '" + field.name() + "' must be " + sql + ", found "
          + field.dataType().sql() + " (cast it)");
    }
    return field.name();
  }

  /**
   * The rows cut at block boundaries, clustered by block or chunk, sorted by sector; or, when they
   * come so already (a read of this source, see {@link ClusteredInput}), as they are.
   */
  static Dataset<Row> prepare(Dataset<Row> data, Columns columns, WriteLayout layout, boolean clustered) {
    String sector = quote(columns.sector());
    String bytes = quote(columns.bytes());
    if (clustered && !layout.fixed()) {
      return data.select(expr(sector + " div " + layout.sectorsPerBlock()).as("_key"), col(columns.sector()).as("_sector"),
          col(columns.bytes()).as("_bytes"), col(columns.sector()).as("_row_sector"), lit(false).as("_fill"));
    }
    long perBlock = layout.sectorsPerBlock();
    String sectors = "(length(" + bytes + ") div 512)";
    String valid = "(" + sector + " IS NOT NULL AND " + bytes + " IS NOT NULL AND length(" + bytes + ") > 0 AND length(" + bytes
        + ") % 512 = 0 AND " + sector + " >= 0 AND " + sector + " <= " + layout.sectorCount() + " - " + sectors + ")";
    String first = "(" + sector + " div " + perBlock + ")";
    String last = "(CASE WHEN " + valid + " THEN (" + sector + " + " + sectors + " - 1) div " + perBlock + " ELSE " + first + " END)";
    Dataset<Row> cut = data
        .select(col(columns.sector()).as("_row"), col(columns.bytes()).as("_data"),
            expr(valid).as("_valid"), expr(first).as("_first"), expr(last).as("_last"),
            expr("explode_outer(sequence(" + first + ", " + last + "))").as("_block"))
        .select(
            expr("_block div " + layout.blocksPerKey()).as("_key"),
            expr("CASE WHEN _first = _last OR NOT _valid THEN _row ELSE greatest(_row, _block * " + perBlock + ") END").as("_sector"),
            col("_data"), col("_row"), col("_valid"), col("_block"), col("_first"), col("_last"))
        .select(col("_key"), col("_sector"),
            expr("CASE WHEN _first = _last OR NOT _valid THEN _data ELSE substring(_data, CAST((_sector - _row) * 512 + 1 AS INT), "
                + "CAST((least(_row + length(_data) div 512, (_block + 1) * " + perBlock + ") - _sector) * 512 AS INT)) END")
                .as("_bytes"),
            col("_row").as("_row_sector"), lit(false).as("_fill"));
    if (layout.fixed()) {
      SparkSession session = data.sparkSession();
      Dataset<Row> fillers = session.range(layout.keyCount()).select(col("id").as("_key"),
          lit(null).cast(DataTypes.LongType).as("_sector"), lit(null).cast(DataTypes.BinaryType).as("_bytes"),
          lit(null).cast(DataTypes.LongType).as("_row_sector"), lit(true).as("_fill"));
      cut = cut.unionByName(fillers);
    }
    Column[] order = layout.fixed()
        ? new Column[] {col("_key"), col("_fill").desc(), col("_sector")}
        : new Column[] {col("_sector")};
    return cut.repartition(col("_key")).sortWithinPartitions(order);
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
