package org.vhdspark.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** What a read takes from the Spark session: option defaults and the Hadoop configuration. */
final class SessionSettings {
  static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";
  static final String OPEN_COST_IN_BYTES = "spark.sql.files.openCostInBytes";
  static final String IGNORE_CORRUPT_FILES = "spark.sql.files.ignoreCorruptFiles";
  /** Where session-wide default options live: {@code spark.datasource.vhd.<option>}. */
  static final String OPTION_PREFIX = "spark.datasource." + VhdDataSource.SHORT_NAME + ".";

  private SessionSettings() {}

  static VhdReadOptions.SessionDefaults defaults(SparkSession session) {
    VhdReadOptions.SessionDefaults spark = VhdReadOptions.SessionDefaults.spark();
    return new VhdReadOptions.SessionDefaults(
        bytes(session, MAX_PARTITION_BYTES, spark.maxPartitionBytes()),
        bytes(session, OPEN_COST_IN_BYTES, spark.openCostInBytes()),
        Boolean.parseBoolean(session.conf().get(IGNORE_CORRUPT_FILES, Boolean.toString(spark.ignoreCorruptFiles())).trim()));
  }

  /**
   * {@code options} on top of the session's default options, as Spark merges them for a DataFrame
   * read (a {@link org.apache.spark.sql.connector.catalog.SessionConfigSupport} source): an option
   * given in {@code options}, whatever its case, hides the session's.
   */
  static Map<String, String> withDefaultOptions(SparkSession session, Map<String, String> options) {
    Map<String, String> merged = new LinkedHashMap<>();
    defaultOptions(session).forEach((option, value) -> {
      if (options.keySet().stream().noneMatch(option::equalsIgnoreCase)) {
        merged.put(option, value);
      }
    });
    merged.putAll(options);
    return merged;
  }

  /**
   * {@code options} without the write-only options that the session's defaults put there: Spark
   * merges {@code spark.datasource.vhd.<option>} into every read's options, and a session default
   * for writes (say {@code blockSize}) must not break reads. The same option given to the read
   * itself (another value, or no such default) stays, and the read refuses it.
   */
  static Map<String, String> withoutWriteDefaults(SparkSession session, Map<String, String> options) {
    Map<String, String> defaults = defaultOptions(session);
    Map<String, String> kept = new LinkedHashMap<>();
    options.forEach((key, value) -> {
      boolean fromSession = VhdWriteOptions.isWriteOnly(key) && defaults.entrySet().stream()
          .anyMatch(d -> d.getKey().equalsIgnoreCase(key) && d.getValue().equals(value));
      if (!fromSession) {
        kept.put(key, value);
      }
    });
    return kept;
  }

  /**
   * A write's options on top of the session's defaults for writes: the defaults of options that
   * only reads take are left out, so a session default for reads never breaks a write.
   */
  static Map<String, String> writeOptions(SparkSession session, Map<String, String> options) {
    Map<String, String> merged = new LinkedHashMap<>();
    defaultOptions(session).forEach((option, value) -> {
      if (VhdWriteOptions.isWriteOption(option) && options.keySet().stream().noneMatch(option::equalsIgnoreCase)) {
        merged.put(option, value);
      }
    });
    merged.putAll(options);
    return merged;
  }

  /** The session's {@code spark.datasource.vhd.<option>} settings, by option name. */
  private static Map<String, String> defaultOptions(SparkSession session) {
    Map<String, String> defaults = new LinkedHashMap<>();
    scala.collection.JavaConverters.mapAsJavaMap(session.conf().getAll()).forEach((key, value) -> {
      if (key.startsWith(OPTION_PREFIX) && key.length() > OPTION_PREFIX.length()) {
        defaults.put(key.substring(OPTION_PREFIX.length()), value);
      }
    });
    return defaults;
  }

  private static long bytes(SparkSession session, String key, long fallback) {
    String value = session.conf().get(key, Long.toString(fallback));
    try {
      return OptionText.parseBytes(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vhd: the session's " + key + " is not a size: '" + value + "'", e);
    }
  }

  /**
   * The session's Hadoop configuration, as Spark's file sources make it (the context's Hadoop
   * configuration and the session's SQL settings), with this read's Hadoop options on top.
   */
  @SuppressWarnings("deprecation")
  static Configuration hadoopConfiguration(SparkSession session, Map<String, String> readOptions) {
    Configuration conf = new Configuration(session.sparkContext().hadoopConfiguration());
    Map<String, String> sessionSettings = scala.collection.JavaConverters.mapAsJavaMap(session.conf().getAll());
    sessionSettings.forEach((key, value) -> {
      if (value != null) {
        conf.set(key, value);
      }
    });
    readOptions.forEach(conf::set);
    return conf;
  }
}
