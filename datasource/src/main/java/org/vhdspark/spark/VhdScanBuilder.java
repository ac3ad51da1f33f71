package org.vhdspark.spark;

import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Takes the filters on {@code path}, {@code block} and {@code sector} (Spark still applies every
 * filter to the rows) and the columns the query needs: without {@code bytes}, no data is read.
 */
final class VhdScanBuilder implements SupportsPushDownFilters, SupportsPushDownRequiredColumns {
  private final VhdReadOptions options;
  private final Configuration conf;
  private final List<FileStatus> files;
  private final StructType available;
  private PushedFilters filters = PushedFilters.NONE;
  private StructType required;

  VhdScanBuilder(VhdReadOptions options, Configuration conf, List<FileStatus> files) {
    this.options = options;
    this.conf = conf;
    this.files = files;
    this.available = VhdSchemas.withMetadata(options);
    this.required = VhdSchemas.of(options);
  }

  /** The columns whose filters a scan of {@code output} uses. */
  static Set<String> filterColumns(VhdReadOptions.Output output) {
    return switch (output) {
      case SECTORS, ALLOCATION -> Set.of(VhdSchemas.PATH, VhdSchemas.BLOCK, VhdSchemas.SECTOR);
      case CATALOG -> Set.of(VhdSchemas.PATH);
    };
  }

  @Override
  public Filter[] pushFilters(Filter[] all) {
    filters = PushedFilters.of(all, filterColumns(options.output()));
    return all;
  }

  @Override
  public Filter[] pushedFilters() {
    return filters.pushed();
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    StructType pruned = new StructType();
    for (StructField field : requiredSchema.fields()) {
      pruned = pruned.add(available.apply(field.name()));
    }
    required = pruned;
  }

  @Override
  public Scan build() {
    return new VhdScan(options, conf, files, filters, required);
  }
}
