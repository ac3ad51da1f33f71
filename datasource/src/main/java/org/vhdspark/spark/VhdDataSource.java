package org.vhdspark.spark;

import java.util.Map;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap;
import org.apache.spark.sql.connector.catalog.SessionConfigSupport;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.sources.RelationProvider;
import org.apache.spark.sql.sources.SchemaRelationProvider;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("vhd")}: VHD images (fixed, dynamic, differencing, and whole snapshot
 * chains) on any Hadoop file system as rows. The schema depends on the {@code output} and
 * {@code layerColumns} options only; options are documented in {@link VhdReadOptions}. Session
 * defaults for every option come from {@code spark.datasource.vhd.<option>}.
 *
 * <p>DataFrames and temporary views ({@code CREATE TEMPORARY VIEW ... USING vhd}) are DSv2 reads;
 * tables of the session catalog ({@code CREATE TABLE ... USING vhd}) are read through the V1
 * {@link RelationProvider} interface, which Spark 3.5 requires for them (see {@link VhdRelation}).
 *
 * <p>{@code df.write.format("vhd")} comes in through the V1 {@link CreatableRelationProvider}
 * interface, the one Spark 3.5 gives every save mode to (it refuses the default, ErrorIfExists, for
 * a DSv2 {@code TableProvider} write); {@link ImageWriteJob} then writes through DSv2 all the same.
 */
public final class VhdDataSource implements SessionConfigSupport, DataSourceRegister, RelationProvider,
    SchemaRelationProvider, CreatableRelationProvider {
  /** The short name: {@code format("vhd")}. */
  public static final String SHORT_NAME = "vhd";

  @Override
  public String shortName() {
    return SHORT_NAME;
  }

  /** Session settings {@code spark.datasource.vhd.<option>} become default options. */
  @Override
  public String keyPrefix() {
    return SHORT_NAME;
  }

  /**
   * Not used: the table's schema comes from its options when Spark asks {@link VhdTable} for it.
   * Spark calls this for writes too, with the write's options, which a read would refuse.
   */
  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return new StructType();
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return VhdTable.create(SparkSession.active(), properties);
  }

  /**
   * A table's relation, from its options (and, for a table, its location as {@code path}). A schema
   * stored with the table is checked by Spark against this relation's.
   */
  @Override
  public BaseRelation createRelation(SQLContext sqlContext, scala.collection.immutable.Map<String, String> parameters) {
    return VhdRelation.create(sqlContext, scala.collection.JavaConverters.mapAsJavaMap(original(parameters)));
  }

  /** A table with declared columns: any of the source's (see {@link VhdRelation#create(SQLContext, Map, StructType)}). */
  @Override
  public BaseRelation createRelation(SQLContext sqlContext, scala.collection.immutable.Map<String, String> parameters,
      StructType schema) {
    return VhdRelation.create(sqlContext, scala.collection.JavaConverters.mapAsJavaMap(original(parameters)), schema);
  }

  /** {@code df.write.format("vhd").save(path)}: a new image from the rows, as {@link VhdWriteOptions} say. */
  @Override
  public BaseRelation createRelation(SQLContext sqlContext, SaveMode mode,
      scala.collection.immutable.Map<String, String> parameters, Dataset<Row> data) {
    Map<String, String> options = scala.collection.JavaConverters.mapAsJavaMap(original(parameters));
    try {
      ImageWriteJob.run(sqlContext.sparkSession(), mode, options, data);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e.getMessage(), e);
    }
    return VhdRelation.create(sqlContext, options);
  }

  /** Spark passes a CaseInsensitiveMap, which iterates over lower-cased keys: Hadoop settings need their own case. */
  private static scala.collection.Map<String, String> original(scala.collection.immutable.Map<String, String> parameters) {
    return parameters instanceof CaseInsensitiveMap<String> insensitive ? insensitive.originalMap() : parameters;
  }
}
