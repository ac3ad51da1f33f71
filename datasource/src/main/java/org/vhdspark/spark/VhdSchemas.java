package org.vhdspark.spark;

import org.apache.spark.sql.connector.catalog.MetadataColumn;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of each kind of row (each with a comment, from {@link ColumnComments}), and the
 * hidden metadata columns of the sectors output, which option {@code layerColumns} makes ordinary
 * columns.
 */
final class VhdSchemas {
  static final String PATH = "path";
  static final String BLOCK = "block";
  static final String SECTOR = "sector";
  static final String BYTES = "bytes";
  static final String LAYER = "_layer";
  static final String LAYER_PATH = "_layer_path";

  static final String SECTOR_COUNT = "sector_count";
  static final String RUN_LAYER = "layer";
  static final String RUN_LAYER_PATH = "layer_path";
  static final String ERROR = "error";

  static final StructType SECTORS = ColumnComments.SECTORS.describe(new StructType()
      .add(PATH, DataTypes.StringType, false)
      .add(BLOCK, DataTypes.LongType, false)
      .add(SECTOR, DataTypes.LongType, false)
      .add(BYTES, DataTypes.BinaryType, false));

  static final StructType ALLOCATION = ColumnComments.ALLOCATION.describe(new StructType()
      .add(PATH, DataTypes.StringType, false)
      .add(BLOCK, DataTypes.LongType, false)
      .add(SECTOR, DataTypes.LongType, false)
      .add(SECTOR_COUNT, DataTypes.LongType, false)
      .add(RUN_LAYER, DataTypes.IntegerType, true)
      .add(RUN_LAYER_PATH, DataTypes.StringType, true));

  /** The catalog's columns as an image that could be read has them: those marked not null are set. */
  private static final StructType READABLE_CATALOG = new StructType()
      .add(PATH, DataTypes.StringType, false)
      .add("type", DataTypes.StringType, false)
      .add("virtual_size", DataTypes.LongType, false)
      .add("block_size", DataTypes.IntegerType, true)
      .add("blocks", DataTypes.IntegerType, true)
      .add("allocated_blocks", DataTypes.IntegerType, true)
      .add("file_size", DataTypes.LongType, false)
      .add("creator_app", DataTypes.StringType, false)
      .add("creator_version", DataTypes.StringType, false)
      .add("creator_host", DataTypes.StringType, false)
      .add("unique_id", DataTypes.StringType, false)
      .add("timestamp", DataTypes.TimestampType, false)
      .add("parent_unique_id", DataTypes.StringType, true)
      .add("parent_name", DataTypes.StringType, true)
      .add("parent_path", DataTypes.StringType, true)
      .add("parent_error", DataTypes.StringType, true)
      .add("chain_depth", DataTypes.IntegerType, false)
      .add("chain", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("allocated_bytes", DataTypes.createArrayType(DataTypes.LongType, false), false)
      .add("warnings", DataTypes.createArrayType(DataTypes.StringType, false), false);

  /** The catalog: the row of an unreadable image has only its path and error, so any other column may be null. */
  static final StructType CATALOG = ColumnComments.CATALOG.describe(
      nullableBut(PATH, READABLE_CATALOG).add(ERROR, DataTypes.StringType, true));

  private static final MetadataColumn[] SECTOR_METADATA = {
      new Column(LAYER, DataTypes.IntegerType, "layer holding the row's sectors: 0 the image, 1 its parent, ...; null for zeros"),
      new Column(LAYER_PATH, DataTypes.StringType, "path of the layer holding the row's sectors; null for zeros"),
  };

  private VhdSchemas() {}

  static StructType of(VhdReadOptions.Output output) {
    return switch (output) {
      case SECTORS -> SECTORS;
      case CATALOG -> CATALOG;
      case ALLOCATION -> ALLOCATION;
    };
  }

  /** The columns of a read: its output's, then the layer columns when {@code layerColumns} makes them ordinary. */
  static StructType of(VhdReadOptions options) {
    return layerColumnsAreData(options) ? withMetadata(options) : of(options.output());
  }

  /** The hidden columns of a read: the sectors output's layer columns, unless they are ordinary ones. */
  static MetadataColumn[] metadataColumns(VhdReadOptions options) {
    return options.output() == VhdReadOptions.Output.SECTORS && !options.layerColumns()
        ? SECTOR_METADATA.clone() : new MetadataColumn[0];
  }

  /** Every column a scan may be asked for: the output's, and for sectors the layer columns (hidden or not). */
  static StructType withMetadata(VhdReadOptions options) {
    StructType schema = of(options.output());
    if (options.output() == VhdReadOptions.Output.SECTORS) {
      for (MetadataColumn column : SECTOR_METADATA) {
        schema = schema.add(new StructField(column.name(), column.dataType(), true, Metadata.empty()).withComment(column.comment()));
      }
    }
    return schema;
  }

  private static boolean layerColumnsAreData(VhdReadOptions options) {
    return options.layerColumns() && options.output() == VhdReadOptions.Output.SECTORS;
  }

  private static StructType nullableBut(String kept, StructType schema) {
    StructType nullable = new StructType();
    for (StructField field : schema.fields()) {
      nullable = nullable.add(field.name().equals(kept) ? field
          : new StructField(field.name(), field.dataType(), true, field.metadata()));
    }
    return nullable;
  }

  private record Column(String name, DataType dataType, String comment) implements MetadataColumn {
    @Override
    public boolean isNullable() {
      return true;
    }
  }
}
