package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The catalog is an inventory: every file has a row, an unreadable one with the reason in {@code error}. */
@ExtendWith(SharedSpark.class)
class TestCatalogErrors {
  @TempDir
  static Path dir;
  private static Path inventory;

  @BeforeAll
  static void makeImages() throws IOException {
    inventory = Files.createDirectories(dir.resolve("inventory"));
    Images.write(Images.dynamic(inventory.resolve("good.vhd"), 1 << 20, 64 * 1024), 0, "good".getBytes());
    Files.write(inventory.resolve("garbage.vhd"), "not an image at all\n".repeat(200).getBytes());
    Path truncated = Images.dynamic(inventory.resolve("truncated.vhd"), 1 << 20, 64 * 1024);
    Images.write(truncated, 0, "truncated".getBytes());
    try (FileChannel file = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
      file.truncate(file.size() / 2);
    }
    Path cookie = Images.dynamic(inventory.resolve("cookie.vhd"), 1 << 20, 64 * 1024);
    overwrite(cookie, 0, "garbage!");
    overwrite(cookie, Files.size(cookie) - 512, "garbage!");
    Path parent = Images.dynamic(dir.resolve("parent.vhd"), 1 << 20, 64 * 1024);
    Images.child(parent, inventory.resolve("orphan.vhd"));
    Files.delete(parent);
  }

  private static void overwrite(Path file, long offset, String text) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(text.getBytes()), offset);
    }
  }

  private static DataFrameReader catalog() {
    return SharedSpark.spark().read().format("vhd").option("output", "catalog");
  }

  private static Map<String, Row> byName(Dataset<Row> rows) {
    Map<String, Row> byName = new TreeMap<>();
    for (Row row : rows.collectAsList()) {
      String path = row.getAs(VhdSchemas.PATH);
      byName.put(path.substring(path.lastIndexOf('/') + 1), row);
    }
    return byName;
  }

  /** The row has its path and error, and nothing else. */
  private static void assertOnlyPathAndError(Row row) {
    for (StructField field : row.schema().fields()) {
      if (!field.name().equals(VhdSchemas.PATH) && !field.name().equals(VhdSchemas.ERROR)) {
        assertThat(row.isNullAt(row.fieldIndex(field.name()))).as(field.name()).isTrue();
      }
    }
  }

  @Test
  void everyFileHasARowAndAnUnreadableOneItsReason() {
    for (String ignoreCorruptFiles : new String[] {"false", "true"}) {
      Dataset<Row> rows = catalog().option("ignoreCorruptFiles", ignoreCorruptFiles).load(inventory.toString());
      Map<String, Row> images = byName(rows);
      assertThat(images).containsOnlyKeys("cookie.vhd", "garbage.vhd", "good.vhd", "orphan.vhd", "truncated.vhd");

      Row good = images.get("good.vhd");
      assertThat(good.<String>getAs(VhdSchemas.ERROR)).isNull();
      assertThat(good.<String>getAs("type")).isEqualTo("dynamic");
      assertThat(good.<Integer>getAs("chain_depth")).isEqualTo(1);
      assertThat(good.<Long>getAs("virtual_size")).isEqualTo(1L << 20);
      // A missing parent is not an unreadable image: the image's own fields, and why its chain stops.
      Row orphan = images.get("orphan.vhd");
      assertThat(orphan.<String>getAs(VhdSchemas.ERROR)).isNull();
      assertThat(orphan.<String>getAs("type")).isEqualTo("differencing");
      assertThat(orphan.<String>getAs("parent_error")).contains("\"parent.vhd\"").contains("not found");

      assertThat(images.get("garbage.vhd").<String>getAs(VhdSchemas.ERROR))
          .isEqualTo("file field 'size' at offset 0: expected a multiple of 512 bytes, or 512n+511 with a legacy footer, "
              + "found 4000 bytes");
      assertThat(images.get("cookie.vhd").<String>getAs(VhdSchemas.ERROR))
          .isEqualTo("footer field 'cookie' at offset 2,048: expected \"conectix\", found \"garbage!\"");
      assertThat(images.get("truncated.vhd").<String>getAs(VhdSchemas.ERROR))
          .startsWith("BAT field 'entry 0' at offset 1,536: expected a block of 66048 bytes ending before the footer");
      for (String bad : List.of("garbage.vhd", "cookie.vhd", "truncated.vhd")) {
        assertOnlyPathAndError(images.get(bad));
      }

      Map<String, Long> metrics = ScanMetrics.afterCollect(rows);
      assertThat(metrics).as("ignoreCorruptFiles=" + ignoreCorruptFiles)
          .containsEntry(VhdMetrics.UNREADABLE_IMAGES, 3L).containsEntry(VhdMetrics.IMAGES_SKIPPED, 0L);
    }
  }

  @Test
  void everyColumnButPathMayBeNullAndErrorComesLast() {
    StructField[] fields = catalog().load(inventory.resolve("good.vhd").toString()).schema().fields();
    assertThat(fields[0].name()).isEqualTo(VhdSchemas.PATH);
    assertThat(fields[0].nullable()).isFalse();
    assertThat(Arrays.stream(fields).skip(1)).allMatch(StructField::nullable);
    assertThat(fields[fields.length - 1].name()).isEqualTo(VhdSchemas.ERROR);
    assertThat(fields[fields.length - 1].dataType()).isEqualTo(DataTypes.StringType);
  }

  @Test
  void aChainWithAnUnreadableParentIsAnError() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("faulty"));
    Path base = Images.dynamic(folder.resolve("ioerror-base.vhd"), 1 << 20, 64 * 1024);
    Images.child(base, folder.resolve("child.vhd"));

    Map<String, Row> images = byName(catalog().option(FaultyFileSystem.IMPL, FaultyFileSystem.class.getName())
        .load(FaultyFileSystem.path(folder)));
    assertThat(images).containsOnlyKeys("child.vhd", "ioerror-base.vhd");
    assertThat(images.get("child.vhd").<String>getAs(VhdSchemas.ERROR))
        .isEqualTo(FaultyFileSystem.path(base) + ": " + FaultyFileSystem.MESSAGE);
    assertThat(images.get("ioerror-base.vhd").<String>getAs(VhdSchemas.ERROR)).isEqualTo(FaultyFileSystem.MESSAGE);
    images.values().forEach(TestCatalogErrors::assertOnlyPathAndError);
  }

  @Test
  void anImageThatChangesAfterPlanningHasItsRowWithTheError() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("changing"));
    Files.copy(inventory.resolve("good.vhd"), folder.resolve("stable.vhd"));
    Path changing = Files.copy(inventory.resolve("good.vhd"), folder.resolve("changing.vhd"));
    Dataset<Row> rows = catalog().load(folder.toString());
    assertThat(ScanMetrics.partitions(rows)).as("planned while both were readable").isNotEmpty();

    overwrite(changing, 0, "garbage!");
    overwrite(changing, Files.size(changing) - 512, "garbage!");
    Map<String, Row> images = byName(rows);
    assertThat(images).containsOnlyKeys("changing.vhd", "stable.vhd");
    assertThat(images.get("stable.vhd").<String>getAs(VhdSchemas.ERROR)).isNull();
    assertThat(images.get("stable.vhd").<String>getAs("type")).isEqualTo("dynamic");
    assertThat(images.get("changing.vhd").<String>getAs(VhdSchemas.ERROR))
        .startsWith("footer field 'cookie' at offset ").endsWith(": expected \"conectix\", found \"garbage!\"");
    assertOnlyPathAndError(images.get("changing.vhd"));
    assertThat(ScanMetrics.of(ScanMetrics.scan(rows))).containsEntry(VhdMetrics.UNREADABLE_IMAGES, 1L);
  }
}
