package org.vhdspark.spark;

import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What each column of an output means, as {@code DESCRIBE} and {@link StructField#getComment()}
 * show it. Kept apart from the column definitions in {@link VhdSchemas} so that changing a column's
 * type or nullability and explaining it stay separate edits.
 */
final class ColumnComments {
  static final ColumnComments SECTORS = new ColumnComments(Map.of(
      VhdSchemas.PATH, "the image, as a qualified Hadoop path",
      VhdSchemas.BLOCK, "BAT index of the row (for fixed images, the index of the 2 MiB unit)",
      VhdSchemas.SECTOR, "first sector of the row: the virtual LBA, in 512-byte units",
      VhdSchemas.BYTES, "the row's resolved contents: sectorsPerRow x 512 bytes (fewer at the end of a disk)"));

  static final ColumnComments ALLOCATION = new ColumnComments(Map.of(
      VhdSchemas.PATH, "the image, as a qualified Hadoop path",
      VhdSchemas.BLOCK, "BAT index of the run's block",
      VhdSchemas.SECTOR, "first sector of the run",
      VhdSchemas.SECTOR_COUNT, "sectors in the run",
      VhdSchemas.RUN_LAYER, "owner of the run: 0 the image, 1 its parent, ...; null for zeros",
      VhdSchemas.RUN_LAYER_PATH, "path of the run's owner; null for zeros"));

  static final ColumnComments CATALOG = new ColumnComments(Map.ofEntries(
      Map.entry(VhdSchemas.PATH, "the image, as a qualified Hadoop path"),
      Map.entry("type", "fixed, dynamic or differencing"),
      Map.entry("virtual_size", "size of the virtual disk, in bytes"),
      Map.entry("block_size", "bytes per block; null for fixed images"),
      Map.entry("blocks", "BAT entries the disk needs; null for fixed images"),
      Map.entry("allocated_blocks", "blocks the file itself allocates; null for fixed images"),
      Map.entry("file_size", "size of the image file, in bytes"),
      Map.entry("creator_app", "creator application, from the footer"),
      Map.entry("creator_version", "creator version, from the footer"),
      Map.entry("creator_host", "creator host OS, from the footer"),
      Map.entry("unique_id", "the image's UUID"),
      Map.entry("timestamp", "the footer's creation time"),
      Map.entry("parent_unique_id", "the parent's UUID as a differencing image records it; null otherwise"),
      Map.entry("parent_name", "the parent's name as a differencing image records it; null otherwise"),
      Map.entry("parent_path", "the parent found (resolved view only)"),
      Map.entry("parent_error", "why the chain stops before a base image, naming the image whose parent is missing"),
      Map.entry("chain_depth", "layers found: 1 for a base image or the delta view"),
      Map.entry("chain", "the layers' paths, layer 0 (the image) first"),
      Map.entry("allocated_bytes", "per layer, the bytes of the view it provides"),
      Map.entry("warnings", "what was noticed while opening the image (bad checksums read anyway, ...)"),
      Map.entry(VhdSchemas.ERROR, "why the image cannot be read, its other columns then null; null for a readable image")));

  private final Map<String, String> comments;

  private ColumnComments(Map<String, String> comments) {
    this.comments = comments;
  }

  /** {@code schema} with the comment of each of its columns that has one here. */
  StructType describe(StructType schema) {
    StructField[] fields = schema.fields().clone();
    for (int i = 0; i < fields.length; i++) {
      String comment = comments.get(fields[i].name());
      if (comment != null) {
        fields[i] = fields[i].withComment(comment);
      }
    }
    return new StructType(fields);
  }
}
