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
 * The images a read names, as one table: batch reads only. Nothing is checked when Spark makes the
 * table: {@code df.write.format("vhd")} makes one too (with the write's options) before it falls back
 * to {@link VhdDataSource}'s V1 write, and a read's table is checked as soon as Spark asks for its
 * schema, which {@code load} does. Then the options are parsed and the files listed (a path that
 * matches nothing fails with Spark's {@code PATH_NOT_FOUND}); each scan opens them again.
 */
final class VhdTable implements SupportsRead, SupportsMetadataColumns {
  private final SparkSession session;
  private final Map<String, String> properties;
  private Listed listed;

  /** The table's options, parsed, and its files, listed. */
  private record Listed(VhdReadOptions options, Configuration conf, List<FileStatus> files) {}

  private VhdTable(SparkSession session, Map<String, String> properties) {
    this.session = session;
    this.properties = Map.copyOf(properties);
  }

  static VhdTable create(SparkSession session, Map<String, String> properties) {
    return new VhdTable(session, properties);
  }

  private synchronized Listed listed() {
    if (listed == null) {
      listed = list(session, properties);
    }
    return listed;
  }

  private static Listed list(SparkSession session, Map<String, String> properties) {
    VhdReadOptions options = VhdReadOptions.parse(SessionSettings.withoutWriteDefaults(session, properties),
        SessionSettings.defaults(session));
    if (options.paths().isEmpty()) {
      throw new IllegalArgumentException("vhd: no path given: use load(path, ...) or option 'path'");
    }
    Configuration conf = SessionSettings.hadoopConfiguration(session, options.hadoopOptions());
    List<FileStatus> files = new FileLister(conf, options.pathGlobFilter(), options.recursiveFileLookup()).list(options.paths());
    return new Listed(options, conf, files);
  }

  @Override
  public String name() {
    return "vhd " + listed().options().paths();
  }

  @Override
  public StructType schema() {
    return VhdSchemas.of(listed().options());
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ);
  }

  @Override
  public MetadataColumn[] metadataColumns() {
    return VhdSchemas.metadataColumns(listed().options());
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    Map<String, String> merged = new HashMap<>(properties);
    merged.putAll(scanOptions.asCaseSensitiveMap());
    Listed table = merged.equals(properties) ? listed() : list(SparkSession.active(), merged);
    return new VhdScanBuilder(table.options(), table.conf(), table.files());
  }
}
