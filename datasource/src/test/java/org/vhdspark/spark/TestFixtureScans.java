package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.testing.Fixtures;

/** The real images (the blktap chain, and the dfvfs images where present) read through Spark, against their known contents and vhd-core. */
@ExtendWith(SharedSpark.class)
class TestFixtureScans {
  private static final VhdOptions UNCHECKED = VhdOptions.defaults().withoutChecksumVerification();
  private static final String DFVFS_SHA256 = "c6db12a7db548e193c29420c1b4533e4708b20c5033db5cc29ef075d48316d25";

  private static SparkSession spark() {
    return SharedSpark.spark();
  }

  private static DataFrameReader vhd() {
    return spark().read().format("vhd");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapLevelsReassembleToTheirResolvedDisk(String level) throws IOException {
    String expected = Fixtures.blktapSha256(level);
    Dataset<Row> rows = vhd().option("includeUnallocated", "true").load(Fixtures.blktap(level).toString());
    assertThat(Rows.sha256InSectorOrder(rows, 1)).isEqualTo(expected);
    Dataset<Row> coarse = vhd().option("includeUnallocated", "true").option("sectorsPerRow", "64").load(Fixtures.blktap(level).toString());
    assertThat(Rows.sha256InSectorOrder(coarse, 64)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void resolvedViewEmitsExactlyTheAllocatedSectorsWithTheirOwner(String level) throws IOException {
    Path image = Fixtures.blktap(level);
    List<String> expected = new ArrayList<>();
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      byte[] contents = Images.contents(disk);
      List<String> layerPaths = disk.chain().layers().stream().map(l -> Images.hadoopPath(l.location().toPath())).toList();
      for (Images.Run run : Images.runs(disk)) {
        for (long s = run.start(); s < run.start() + run.length() && run.layer() != BlockRuns.ZEROS; s++) {
          expected.add(Rows.describe(Images.hadoopPath(image), run.block(), s, sector(contents, s), run.layer(),
              layerPaths.get(run.layer())));
        }
      }
    }
    List<String> actual = vhd().load(image.toString()).select("path", "block", "sector", "bytes", "_layer", "_layer_path")
        .collectAsList().stream().map(Rows::describe).toList();
    assertThat(actual).hasSize(expected.size()).isEqualTo(expected);
  }

  @Test
  void layersOfLevel3MatchTheExpectedOwners() throws IOException {
    // expected/level3.owners.txt: runs of sectors and the level that owns them ('-' = zeros).
    List<String> levels = List.of("level3", "grandchild", "child", "base");
    List<String> expected = new ArrayList<>();
    for (String line : Files.readAllLines(Fixtures.blktapExpected("level3.owners.txt"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      for (long s = Long.parseLong(f[0]); s < Long.parseLong(f[0]) + Long.parseLong(f[1]); s++) {
        expected.add(s + ":" + (f[2].equals("-") ? "null" : levels.indexOf(f[2])));
      }
    }
    List<String> actual = vhd().option("includeUnallocated", "true").load(Fixtures.blktap("level3").toString())
        .select("sector", "_layer").collectAsList().stream().map(r -> r.getLong(0) + ":" + r.get(1)).toList();
    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void deltaViewIsTheImagesOwnSectors(String level) throws IOException {
    assertDeltaMatchesCore(Fixtures.blktap(level), VhdOptions.defaults(), vhd());
  }

  @Test
  void dfvfsImageNeedsChecksumsOff() throws IOException {
    String image = Fixtures.dfvfs("image.vhd").toString();
    assertThatThrownBy(() -> vhd().load(image).count())
        .isInstanceOf(VhdScanException.class)
        .hasMessageContaining("image.vhd").hasMessageContaining("checksum").hasMessageContaining("ignoreCorruptFiles");
    Dataset<Row> rows = vhd().option("verifyChecksums", "false").option("includeUnallocated", "true").load(image);
    assertThat(Rows.sha256InSectorOrder(rows, 1)).isEqualTo(DFVFS_SHA256);
    assertDeltaMatchesCore(Fixtures.dfvfs("image.vhd"), UNCHECKED, vhd().option("verifyChecksums", "false"));
  }

  @Test
  void dfvfsDifferentialFindsItsParentByName() throws IOException {
    Dataset<Row> rows = vhd().option("verifyChecksums", "false").option("includeUnallocated", "true")
        .load(Fixtures.dfvfs("image-differential.vhd").toString());
    assertThat(Rows.sha256InSectorOrder(rows, 1)).isEqualTo(DFVFS_SHA256);
    assertDeltaMatchesCore(Fixtures.dfvfs("image-differential.vhd"), UNCHECKED, vhd().option("verifyChecksums", "false"));
  }

  @Test
  void windowsChildWithoutItsParentFailsResolvedAndReadsAsDelta() throws IOException {
    String image = Fixtures.dfvfs("fat-differential.vhd").toString();
    assertThatThrownBy(() -> vhd().load(image).count())
        .isInstanceOf(VhdScanException.class)
        .hasMessageContaining("fat-differential.vhd")
        .hasMessageContaining("parent 5fa21a55-f394-aa4d-9958-1951a67d5540")
        .hasMessageContaining("not found")
        .hasMessageContaining("fat-parent.vhd")
        .hasMessageContaining("parentPaths");
    assertDeltaMatchesCore(Fixtures.dfvfs("fat-differential.vhd"), VhdOptions.defaults(), vhd());
  }

  /** view=delta rows are exactly the sectors the image stores, with their bytes, from layer 0. */
  private static void assertDeltaMatchesCore(Path image, VhdOptions options, DataFrameReader reader) throws IOException {
    List<String> expected = new ArrayList<>();
    try (VirtualDisk disk = Images.delta(image, options)) {
      byte[] contents = Images.contents(disk);
      for (Images.Run run : Images.runs(disk)) {
        for (long s = run.start(); s < run.start() + run.length() && run.layer() == 0; s++) {
          expected.add(Rows.describe(Images.hadoopPath(image), run.block(), s, sector(contents, s), 0, Images.hadoopPath(image)));
        }
      }
    }
    assertThat(expected).isNotEmpty();
    List<String> actual = reader.option("view", "delta").load(image.toString())
        .select("path", "block", "sector", "bytes", "_layer", "_layer_path")
        .collectAsList().stream().map(Rows::describe).toList();
    assertThat(actual).isEqualTo(expected);
  }

  private static byte[] sector(byte[] contents, long sector) {
    return Arrays.copyOfRange(contents, (int) sector * 512, (int) sector * 512 + 512);
  }

  /** Shared row helpers. */
  static final class Rows {
    private Rows() {}

    /** One row as text: its values, with bytes as their sha256. */
    static String describe(Row row) {
      return describe(row.getString(0), row.getLong(1), row.getLong(2), (byte[]) row.get(3),
          row.isNullAt(4) ? null : row.getInt(4), row.getString(5));
    }

    static String describe(String path, long block, long sector, byte[] bytes, Integer layer, String layerPath) {
      return path + " block " + block + " sector " + sector + " sha " + Images.sha256(bytes) + " layer " + layer + " " + layerPath;
    }

    /**
     * sha256 of the rows' bytes in sector order. The rows of one image come in sector order already
     * (checked), so no shuffle is needed to reassemble the disk.
     */
    static String sha256InSectorOrder(Dataset<Row> rows, int sectorsPerRow) {
      MessageDigest digest = Images.digest();
      long expectedSector = 0;
      for (Row row : rows.select("sector", "bytes").collectAsList()) {
        assertThat(row.getLong(0)).isEqualTo(expectedSector);
        digest.update((byte[]) row.get(1));
        expectedSector += sectorsPerRow;
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    }
  }
}
