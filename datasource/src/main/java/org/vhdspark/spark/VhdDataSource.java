package org.vhdspark.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SessionConfigSupport;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("vhd")}: VHD images (fixed, dynamic, differencing, and whole snapshot
 * chains) on any Hadoop file system as rows. The schema depends on the {@code output} option only;
 * options are documented in {@link VhdReadOptions}. Session defaults for every option come from
 * {@code spark.datasource.vhd.<option>}.
 */
public final class VhdDataSource implements SessionConfigSupport, DataSourceRegister {
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
    return VhdSchemas.of(VhdReadOptions.parse(options.asCaseSensitiveMap(), SessionSettings.defaults(session)).output());
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return VhdTable.create(SparkSession.active(), properties);
  }
}
