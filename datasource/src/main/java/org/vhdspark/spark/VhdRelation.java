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
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.InsertableRelation;
import org.apache.spark.sql.types.StructField;
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
final class VhdRelation extends BaseRelation implements PrunedFilteredScan, InsertableRelation {
  private final SQLContext sqlContext;
  /** The table's options as given: its writes take them all. */
  private final Map<String, String> tableOptions;
  /** The options its reads take: the write-only ones left out. */
  private final Map<String, String> readOptions;
  private final VhdReadOptions options;
  private final StructType schema;

  private VhdRelation(SQLContext sqlContext, Map<String, String> tableOptions, Map<String, String> readOptions,
      VhdReadOptions options, StructType schema) {
    this.sqlContext = sqlContext;
    this.tableOptions = Map.copyOf(tableOptions);
    this.readOptions = Map.copyOf(readOptions);
    this.options = options;
    this.schema = schema;
  }

  /** Checks the table's options (with the session defaults) and fixes the schema they give. */
  static VhdRelation create(SQLContext sqlContext, Map<String, String> tableOptions) {
    return create(sqlContext, tableOptions, null);
  }

  /**
   * The relation with the table's declared columns ({@code declared}, or all of the source's when
   * null): any of the source's columns, each with the source's type. {@code CREATE TABLE ... AS
   * SELECT sector, bytes ...} declares the query's.
   */
  static VhdRelation create(SQLContext sqlContext, Map<String, String> tableOptions, StructType declared) {
    // A table's options serve its writes too (CREATE TABLE ... AS SELECT, INSERT): reads leave the write-only ones.
    Map<String, String> readOptions = new java.util.LinkedHashMap<>();
    tableOptions.forEach((key, value) -> {
      if (!VhdWriteOptions.isWriteOnly(key)) {
        readOptions.put(key, value);
      }
    });
    Map<String, String> withDefaults = SessionSettings.withoutWriteDefaults(sqlContext.sparkSession(),
        SessionSettings.withDefaultOptions(sqlContext.sparkSession(), readOptions));
    VhdReadOptions options = VhdReadOptions.parse(withDefaults, SessionSettings.defaults(sqlContext.sparkSession()));
    StructType source = VhdSchemas.of(options);
    return new VhdRelation(sqlContext, tableOptions, readOptions, options, declared == null ? source : checked(declared, source));
  }

  private static StructType checked(StructType declared, StructType source) {
    for (StructField field : declared.fields()) {
      StructField match = java.util.Arrays.stream(source.fields()).filter(f -> f.name().equalsIgnoreCase(field.name()))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("vhd table: declared column '" + field.name()
              + "' is not a column of this source; its columns are " + String.join(", ", source.fieldNames())));
      if (!match.dataType().equals(field.dataType())) {
        throw new IllegalArgumentException("vhd table: declared column '" + field.name() + "' is " + field.dataType().sql()
            + ", the source's is " + match.dataType().sql());
      }
    }
    return declared;
  }

  /**
   * {@code INSERT OVERWRITE} (and the write of {@code CREATE TABLE ... AS SELECT}): the table's
   * image written from {@code data}, with the table's options, as {@code df.write.format("vhd")}
   * writes it. {@code INSERT INTO} is an append: it creates a missing image, and is refused on an
   * existing one.
   */
  @Override
  public void insert(Dataset<Row> data, boolean overwrite) {
    try {
      ImageWriteJob.run(sqlContext.sparkSession(), overwrite ? SaveMode.Overwrite : SaveMode.Append, tableOptions, data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e.getMessage(), e);
    }
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
        .options(readOptions)
        .option(VhdReadOptions.OUTPUT, VhdReadOptions.label(options.output()))
        .option(VhdReadOptions.LAYER_COLUMNS, options.layerColumns())
        .load();
  }

  @Override
  public String toString() {
    return "vhd " + options.paths() + " output=" + VhdReadOptions.label(options.output());
  }
}
