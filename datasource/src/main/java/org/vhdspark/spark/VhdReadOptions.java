package org.vhdspark.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.GlobFilter;

/**
 * Every option of {@code spark.read.format("vhd")}, parsed and validated in one place. Option names
 * are case-insensitive. A key without a '.' must be one of {@link #NAMES} (or Spark's own
 * {@code path}/{@code paths}); a key with a '.' is a Hadoop setting for this read only (for example
 * {@code fs.s3a.endpoint}). Session-wide defaults come from {@code spark.datasource.vhd.<option>}.
 *
 * @param paths              the images, folders or globs to read
 * @param output             the kind of rows
 * @param view               the whole chain, or the image's own sectors
 * @param includeUnallocated also emit (as zeros) sectors that no layer holds
 * @param sectorsPerRow      sectors per row of the sectors output: a power of two
 * @param layerColumns       the sectors output's {@code _layer} and {@code _layer_path} as ordinary
 *                           columns rather than hidden metadata columns (ignored by other outputs)
 * @param maxPartitionBytes  about how many bytes one input partition covers
 * @param openCostInBytes    what opening one image is reckoned to cost when packing partitions
 * @param verifyChecksums    refuse images whose footer or header checksum is wrong
 * @param verifyParentUuid   refuse parents whose unique id differs from the child's record of it
 * @param sizeFromChs        take virtual sizes from the CHS geometry, as QEMU does
 * @param parentPaths        folders where parents may be found, besides each image's own folder
 * @param parents            explicit parents: child path to parent path
 * @param ignoreCorruptFiles skip unreadable images with a warning instead of failing the query
 * @param pathGlobFilter     only files whose name matches this glob (null: all)
 * @param recursiveFileLookup read folders recursively
 * @param hadoopOptions      Hadoop settings for this read (the options whose name contains a '.')
 */
public record VhdReadOptions(
    List<String> paths,
    Output output,
    View view,
    boolean includeUnallocated,
    int sectorsPerRow,
    boolean layerColumns,
    long maxPartitionBytes,
    long openCostInBytes,
    boolean verifyChecksums,
    boolean verifyParentUuid,
    boolean sizeFromChs,
    List<String> parentPaths,
    Map<String, String> parents,
    boolean ignoreCorruptFiles,
    String pathGlobFilter,
    boolean recursiveFileLookup,
    Map<String, String> hadoopOptions) implements Serializable {

  @Serial
  private static final long serialVersionUID = 1L;

  public static final String OUTPUT = "output";
  public static final String VIEW = "view";
  public static final String INCLUDE_UNALLOCATED = "includeUnallocated";
  public static final String SECTORS_PER_ROW = "sectorsPerRow";
  public static final String LAYER_COLUMNS = "layerColumns";
  public static final String MAX_PARTITION_BYTES = "maxPartitionBytes";
  public static final String VERIFY_CHECKSUMS = "verifyChecksums";
  public static final String VERIFY_PARENT_UUID = "verifyParentUuid";
  public static final String SIZE_FROM_CHS = "sizeFromChs";
  public static final String PARENT_PATHS = "parentPaths";
  public static final String PARENTS = "parents";
  public static final String IGNORE_CORRUPT_FILES = "ignoreCorruptFiles";
  public static final String PATH_GLOB_FILTER = "pathGlobFilter";
  public static final String RECURSIVE_FILE_LOOKUP = "recursiveFileLookup";

  /** The options of this source, as documented. */
  public static final List<String> NAMES = List.of(OUTPUT, VIEW, INCLUDE_UNALLOCATED, SECTORS_PER_ROW,
      LAYER_COLUMNS, MAX_PARTITION_BYTES, VERIFY_CHECKSUMS, VERIFY_PARENT_UUID, SIZE_FROM_CHS, PARENT_PATHS, PARENTS,
      IGNORE_CORRUPT_FILES, PATH_GLOB_FILTER, RECURSIVE_FILE_LOOKUP);

  /** Largest row: a whole block of the largest size the format allows (256 MiB). */
  static final int MAX_SECTORS_PER_ROW = 1 << 19;

  /** The kind of rows a read produces. */
  public enum Output {
    /** One row per sector (or per {@code sectorsPerRow} sectors) with its contents. */
    SECTORS,
    /** One row per image: identity, sizes, chain and allocation. Reads no sector data. */
    CATALOG,
    /** One row per run of sectors with one owner, within a block. Reads bitmaps and BATs only. */
    ALLOCATION
  }

  /** Which layers a read sees. */
  public enum View {
    /** The whole chain: every sector from the nearest layer that holds it. */
    RESOLVED,
    /** Only the sectors the image itself stores; needs no parent. */
    DELTA
  }

  /** Defaults that come from the Spark session's SQL configuration. */
  public record SessionDefaults(long maxPartitionBytes, long openCostInBytes, boolean ignoreCorruptFiles)
      implements Serializable {
    /** Spark's own defaults (128 MiB, 4 MiB, false). */
    public static SessionDefaults spark() {
      return new SessionDefaults(128L << 20, 4L << 20, false);
    }
  }

  public VhdReadOptions {
    paths = List.copyOf(paths);
    parentPaths = List.copyOf(parentPaths);
    parents = Map.copyOf(parents);
    hadoopOptions = Map.copyOf(hadoopOptions);
  }

  /**
   * Parses {@code options} (as Spark passes them: the user's options, the session defaults and
   * {@code path} or {@code paths}).
   *
   * @throws IllegalArgumentException naming the option, for an unknown option or a bad value
   */
  public static VhdReadOptions parse(Map<String, String> options, SessionDefaults defaults) {
    Map<String, String> known = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Map<String, String> hadoop = new LinkedHashMap<>();
    List<String> paths = new ArrayList<>();
    for (Map.Entry<String, String> option : options.entrySet()) {
      String key = option.getKey();
      String value = option.getValue();
      if (key.contains(".")) {
        hadoop.put(key, value);
      } else if (key.equalsIgnoreCase("path")) {
        if (value != null && !value.isEmpty()) {
          paths.add(0, value);
        }
      } else if (key.equalsIgnoreCase("paths")) {
        paths.addAll(OptionText.list("paths", value));
      } else if (NAMES.stream().anyMatch(key::equalsIgnoreCase)) {
        known.put(key, value);
      } else if (VhdWriteOptions.isWriteOnly(key)) {
        throw new IllegalArgumentException("vhd option '" + key + "' applies to writes (df.write.format(\"vhd\")), not to reads; "
            + "the read options are " + String.join(", ", NAMES));
      } else {
        throw new IllegalArgumentException("vhd: unknown option '" + key + "'; the options are " + String.join(", ", NAMES)
            + " (names are case-insensitive; session defaults are spark.datasource.vhd.<option>; "
            + "keys containing a '.' are Hadoop settings for this read)");
      }
    }
    OptionText text = new OptionText(known);
    String globFilter = text.string(PATH_GLOB_FILTER, null);
    if (globFilter != null) {
      try {
        new GlobFilter(globFilter);
      } catch (java.io.IOException | RuntimeException e) {
        throw new IllegalArgumentException("vhd option '" + PATH_GLOB_FILTER + "': not a valid glob: '" + globFilter + "' ("
            + e.getMessage() + ")", e);
      }
    }
    int sectorsPerRow = text.integer(SECTORS_PER_ROW, 1);
    if (sectorsPerRow < 1 || sectorsPerRow > MAX_SECTORS_PER_ROW || Integer.bitCount(sectorsPerRow) != 1) {
      throw new IllegalArgumentException("vhd option '" + SECTORS_PER_ROW + "': expected a power of two from 1 to the sectors of a "
          + "block (at most " + MAX_SECTORS_PER_ROW + "), found '" + known.get(SECTORS_PER_ROW) + "'");
    }
    return new VhdReadOptions(
        paths,
        text.choice(OUTPUT, Output.class, Output.SECTORS),
        text.choice(VIEW, View.class, View.RESOLVED),
        text.bool(INCLUDE_UNALLOCATED, false),
        sectorsPerRow,
        text.bool(LAYER_COLUMNS, false),
        text.bytes(MAX_PARTITION_BYTES, defaults.maxPartitionBytes()),
        defaults.openCostInBytes(),
        text.bool(VERIFY_CHECKSUMS, true),
        text.bool(VERIFY_PARENT_UUID, true),
        text.bool(SIZE_FROM_CHS, false),
        OptionText.list(PARENT_PATHS, known.get(PARENT_PATHS)),
        OptionText.pairs(PARENTS, known.get(PARENTS)),
        text.bool(IGNORE_CORRUPT_FILES, defaults.ignoreCorruptFiles()),
        globFilter,
        text.bool(RECURSIVE_FILE_LOOKUP, false),
        hadoop);
  }

  static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
