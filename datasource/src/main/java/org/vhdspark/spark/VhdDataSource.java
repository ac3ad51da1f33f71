package org.vhdspark.spark;

import java.util.Map;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap;
import org.apache.spark.sql.connector.catalog.SessionConfigSupport;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.sources.RelationProvider;
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
 */
public final class VhdDataSource implements SessionConfigSupport, DataSourceRegister, RelationProvider {
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

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    SparkSession session = SparkSession.active();
    return VhdSchemas.of(VhdReadOptions.parse(options.asCaseSensitiveMap(), SessionSettings.defaults(session)));
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
    // Spark passes a CaseInsensitiveMap, which iterates over lower-cased keys: Hadoop settings need their own case.
    scala.collection.Map<String, String> original =
        parameters instanceof CaseInsensitiveMap<String> insensitive ? insensitive.originalMap() : parameters;
    return VhdRelation.create(sqlContext, scala.collection.JavaConverters.mapAsJavaMap(original));
  }
}
