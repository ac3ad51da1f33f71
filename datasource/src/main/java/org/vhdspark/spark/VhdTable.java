package org.vhdspark.spark;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.MetadataColumn;
import org.apache.spark.sql.connector.catalog.SupportsMetadataColumns;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The images a read names, as one table: batch reads only. The files are listed when the table is
 * made (a path that matches nothing fails at {@code load} with Spark's {@code PATH_NOT_FOUND});
 * each scan opens them again.
 */
final class VhdTable implements SupportsRead, SupportsMetadataColumns {
  private final Map<String, String> properties;
  private final VhdReadOptions options;
  private final Configuration conf;
  private final List<FileStatus> files;

  private VhdTable(Map<String, String> properties, VhdReadOptions options, Configuration conf, List<FileStatus> files) {
    this.properties = Map.copyOf(properties);
    this.options = options;
    this.conf = conf;
    this.files = List.copyOf(files);
  }

  static VhdTable create(SparkSession session, Map<String, String> properties) {
    VhdReadOptions options = VhdReadOptions.parse(properties, SessionSettings.defaults(session));
    if (options.paths().isEmpty()) {
      throw new IllegalArgumentException("vhd: no path given: use load(path, ...) or option 'path'");
    }
    Configuration conf = SessionSettings.hadoopConfiguration(session, options.hadoopOptions());
    List<FileStatus> files = new FileLister(conf, options.pathGlobFilter(), options.recursiveFileLookup()).list(options.paths());
    return new VhdTable(properties, options, conf, files);
  }

  @Override
  public String name() {
    return "vhd " + options.paths();
  }

  @Override
  public StructType schema() {
    return VhdSchemas.of(options);
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ);
  }

  @Override
  public MetadataColumn[] metadataColumns() {
    return VhdSchemas.metadataColumns(options);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    Map<String, String> merged = new HashMap<>(properties);
    merged.putAll(scanOptions.asCaseSensitiveMap());
    if (merged.equals(properties)) {
      return new VhdScanBuilder(options, conf, files);
    }
    VhdTable table = create(SparkSession.active(), merged);
    return new VhdScanBuilder(table.options, table.conf, table.files);
  }
}
