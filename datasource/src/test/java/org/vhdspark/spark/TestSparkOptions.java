package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vhdspark.testing.Fixtures;

/** Options as users pass them through Spark: errors name the option; session defaults apply. */
@ExtendWith(SharedSpark.class)
class TestSparkOptions {
  private static final String LEVEL3 = Fixtures.blktap("level3").toString();

  private static SparkSession spark() {
    return SharedSpark.spark();
  }

  private static DataFrameReader vhd() {
    return spark().read().format("vhd");
  }

  @Test
  void theShortNameAndTheSchemas() {
    assertThat(withoutComments(vhd().load(LEVEL3).schema())).isEqualTo(new StructType()
        .add("path", DataTypes.StringType, false).add("block", DataTypes.LongType, false)
        .add("sector", DataTypes.LongType, false).add("bytes", DataTypes.BinaryType, false));
    assertThat(spark().read().format(VhdDataSource.class.getName()).load(LEVEL3).columns())
        .containsExactly("path", "block", "sector", "bytes");
    assertThat(vhd().option("output", "allocation").load(LEVEL3).columns())
        .containsExactly("path", "block", "sector", "sector_count", "layer", "layer_path");
    assertThat(vhd().option("output", "catalog").load(LEVEL3).columns()).contains("path", "type", "virtual_size",
        "block_size", "creator_app", "unique_id", "parent_unique_id", "parent_path", "chain_depth", "allocated_bytes");
    assertThat(vhd().load(LEVEL3).select("_layer", "_layer_path").schema().fieldNames()).containsExactly("_layer", "_layer_path");
  }

  @Test
  void layerColumnsMakeTheLayerOrdinaryColumnsOfTheSectorsOutputOnly() {
    Dataset<Row> layered = vhd().option("layerColumns", "true").load(LEVEL3);
    assertThat(withoutComments(layered.schema())).isEqualTo(new StructType()
        .add("path", DataTypes.StringType, false).add("block", DataTypes.LongType, false)
        .add("sector", DataTypes.LongType, false).add("bytes", DataTypes.BinaryType, false)
        .add("_layer", DataTypes.IntegerType, true).add("_layer_path", DataTypes.StringType, true));
    SharedSpark.assertRows(vhd().load(LEVEL3).select("sector", "_layer", "_layer_path").collectAsList(),
        layered.select("sector", "_layer", "_layer_path"));
    assertThat(vhd().option("output", "allocation").option("layerColumns", "true").load(LEVEL3).columns())
        .containsExactly("path", "block", "sector", "sector_count", "layer", "layer_path");
    assertThat(vhd().option("output", "catalog").option("layerColumns", "true").load(LEVEL3).columns())
        .doesNotContain("_layer", "_layer_path");
  }

  /** The schema's names, types and nullability: the columns' comments are checked in TestSql. */
  private static StructType withoutComments(StructType schema) {
    return new StructType(Arrays.stream(schema.fields())
        .map(field -> new StructField(field.name(), field.dataType(), field.nullable(), Metadata.empty()))
        .toArray(StructField[]::new));
  }

  @Test
  void badOptionsFailAtLoadNamingTheOption() {
    assertThatThrownBy(() -> vhd().option("veiw", "delta").load(LEVEL3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'veiw'");
    assertThatThrownBy(() -> vhd().option("view", "sideways").load(LEVEL3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'view'").hasMessageContaining("sideways");
    assertThatThrownBy(() -> vhd().option("sectorsPerRow", "3").load(LEVEL3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sectorsPerRow'");
    assertThatThrownBy(() -> vhd().option("maxPartitionBytes", "-1").load(LEVEL3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'maxPartitionBytes'");
  }

  @Test
  void rowsLargerThanABlockAreRefusedNamingTheImage() {
    assertThatThrownBy(() -> vhd().option("sectorsPerRow", "8192").load(LEVEL3).count())
        .hasMessageContaining("'sectorsPerRow'").hasMessageContaining("8192")
        .hasMessageContaining("4096 sectors of a block of " + Images.hadoopPath(Fixtures.blktap("level3")));
    assertThat(vhd().option("sectorsPerRow", "4096").option("includeUnallocated", "true").load(LEVEL3).count()).isEqualTo(4);
  }

  @Test
  void sessionSettingsAreDefaultOptions() {
    String fat = Fixtures.dfvfs("fat-differential.vhd").toString();
    spark().conf().set("spark.datasource.vhd.view", "delta");
    try {
      assertThat(vhd().load(fat).count()).isPositive();
      assertThatThrownBy(() -> vhd().option("view", "resolved").load(fat).count()).hasMessageContaining("not found");
    } finally {
      spark().conf().unset("spark.datasource.vhd.view");
    }
    spark().conf().set("spark.datasource.vhd.bogus", "1");
    try {
      assertThatThrownBy(() -> vhd().load(fat)).hasMessageContaining("unknown option 'bogus'");
    } finally {
      spark().conf().unset("spark.datasource.vhd.bogus");
    }
  }

  @Test
  void theSessionsMaxPartitionBytesIsTheDefault() {
    spark().conf().set("spark.sql.files.maxPartitionBytes", "2m");
    try {
      assertThat(vhd().option("includeUnallocated", "true").load(LEVEL3).rdd().getNumPartitions()).isEqualTo(4);
      assertThat(vhd().option("includeUnallocated", "true").option("maxPartitionBytes", "4m").load(LEVEL3).rdd()
          .getNumPartitions()).isEqualTo(2);
    } finally {
      spark().conf().unset("spark.sql.files.maxPartitionBytes");
    }
  }

  @Test
  void hadoopSettingsPassThroughOptions() {
    assertThat(vhd().option("fs.file.impl.disable.cache", "true").load(LEVEL3).count()).isPositive();
  }

  @Test
  void aUserSchemaIsRefused() {
    assertThatThrownBy(() -> vhd().schema("sector LONG").load(LEVEL3)).hasMessageContaining("schema");
  }
}
