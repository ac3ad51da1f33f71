package org.vhdspark.spark;

import java.util.Arrays;
import java.util.Map;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.PrunedFilteredScan;
import org.apache.spark.sql.types.StructType;

/**
 * A {@code vhd} table of the session catalog ({@code CREATE TABLE ... USING vhd}), as Spark 3.5
 * reads it: its {@code FindDataSourceTable} rule resolves a catalog table only through
 * {@code DataSource.resolveRelation()}, which needs a V1 relation, even when the provider is a DSv2
 * {@code TableProvider} (Spark 4.0 loads DSv2 providers for catalog tables).
 *
 * <p>The relation does not read by itself: each scan is this source's DataFrame read with the
 * table's options, pruned to the columns Spark asks for and filtered by the conditions Spark pushes
 * (turned back from V1 filters by {@link FilterConditions}), so Spark's DSv2 planning pushes them
 * into {@link VhdScanBuilder} as for {@code spark.read.format("vhd")}. Its rows are the DataFrame's
 * internal rows ({@link #needConversion()} is false), which {@code RowDataSourceScanExec} takes as
 * they are. One read path keeps tables, views and DataFrames identical, at the cost of the vhd
 * metrics: they belong to the inner scan, not to the table's scan node.
 *
 * <p>The schema comes from the options and session defaults when Spark makes the relation (it caches
 * it with the table until {@code REFRESH TABLE}); each scan pins that schema's options and takes
 * the others, and the session defaults, as they are when the query is planned.
 */
final class VhdRelation extends BaseRelation implements PrunedFilteredScan {
  private final SQLContext sqlContext;
  private final Map<String, String> tableOptions;
  private final VhdReadOptions options;
  private final StructType schema;

  private VhdRelation(SQLContext sqlContext, Map<String, String> tableOptions, VhdReadOptions options) {
    this.sqlContext = sqlContext;
    this.tableOptions = Map.copyOf(tableOptions);
    this.options = options;
    this.schema = VhdSchemas.of(options);
  }

  /** Checks the table's options (with the session defaults) and fixes the schema they give. */
  static VhdRelation create(SQLContext sqlContext, Map<String, String> tableOptions) {
    // A table's options serve its writes too (CREATE TABLE ... AS SELECT, INSERT): reads leave the write-only ones.
    Map<String, String> readOptions = new java.util.LinkedHashMap<>();
    tableOptions.forEach((key, value) -> {
      if (!VhdWriteOptions.isWriteOnly(key)) {
        readOptions.put(key, value);
      }
    });
    tableOptions = readOptions;
    Map<String, String> withDefaults = SessionSettings.withoutWriteDefaults(sqlContext.sparkSession(),
        SessionSettings.withDefaultOptions(sqlContext.sparkSession(), tableOptions));
    VhdReadOptions options = VhdReadOptions.parse(withDefaults, SessionSettings.defaults(sqlContext.sparkSession()));
    return new VhdRelation(sqlContext, tableOptions, options);
  }

  @Override
  public SQLContext sqlContext() {
    return sqlContext;
  }

  @Override
  public StructType schema() {
    return schema;
  }

  /** The rows are already Spark's internal rows. */
  @Override
  public boolean needConversion() {
    return false;
  }

  /**
   * The table's DataFrame read, with the schema's options pinned. Every filter stays unhandled (the
   * default {@code unhandledFilters}): the scan only uses them to skip work, Spark applies them all.
   */
  @Override
  public RDD<Row> buildScan(String[] requiredColumns, Filter[] filters) {
    Dataset<Row> read = read();
    Dataset<Row> filtered = FilterConditions.of(filters, VhdScanBuilder.filterColumns(options.output()))
        .map(read::where)
        .orElse(read);
    Column[] columns = Arrays.stream(requiredColumns).map(functions::col).toArray(Column[]::new);
    RDD<InternalRow> rows = filtered.select(columns).queryExecution().toRdd();
    @SuppressWarnings("unchecked")
    RDD<Row> asRows = (RDD<Row>) (RDD<?>) rows;
    return asRows;
  }

  /**
   * The whole table's size as the scan's statistics give it (planning opens the images), so that a
   * small table can be broadcast in a join, as a DataFrame read can.
   */
  @Override
  public long sizeInBytes() {
    return read().queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
  }

  /** The table's DataFrame read, with the options that fixed its schema pinned. */
  private Dataset<Row> read() {
    return sqlContext.sparkSession().read().format(VhdDataSource.class.getName())
        .options(tableOptions)
        .option(VhdReadOptions.OUTPUT, VhdReadOptions.label(options.output()))
        .option(VhdReadOptions.LAYER_COLUMNS, options.layerColumns())
        .load();
  }

  @Override
  public String toString() {
    return "vhd " + options.paths() + " output=" + VhdReadOptions.label(options.output());
  }
}
