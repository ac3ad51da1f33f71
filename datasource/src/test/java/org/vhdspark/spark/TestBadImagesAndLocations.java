package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Unreadable images, missing paths, folder listing, and where chains may look for parents. */
@ExtendWith(SharedSpark.class)
class TestBadImagesAndLocations {
  @TempDir
  static Path dir;
  private static Path images;
  private static Path bases;
  private static Path children;

  @BeforeAll
  static void makeImages() throws IOException {
    images = Files.createDirectories(dir.resolve("images"));
    for (String name : new String[] {"a.vhd", "b.vhd", "c.vhd"}) {
      Path image = Images.dynamic(images.resolve(name), 1 << 20, 64 * 1024);
      Images.write(image, 0, name.getBytes());
    }
    // c.vhd loses both copies of its footer.
    try (FileChannel file = FileChannel.open(images.resolve("c.vhd"), StandardOpenOption.WRITE)) {
      file.write(ByteBuffer.wrap("garbage!".getBytes()), 0);
      file.write(ByteBuffer.wrap("garbage!".getBytes()), file.size() - 512);
    }
    Files.writeString(images.resolve("notes.txt"), "not an image");
    Images.dynamic(images.resolve("_hidden.vhd"), 1 << 20, 64 * 1024);
    Path nested = Files.createDirectories(images.resolve("nested"));
    Images.write(Images.dynamic(nested.resolve("d.vhd"), 1 << 20, 64 * 1024), 0, "d.vhd".getBytes());

    bases = Files.createDirectories(dir.resolve("bases"));
    children = Files.createDirectories(dir.resolve("children"));
    Path base = Images.dynamic(bases.resolve("base.vhd"), 1 << 20, 64 * 1024);
    Images.write(base, 512, "base".getBytes());
    Path child = Images.child(base, children.resolve("child.vhd"));
    Images.write(child, 1024, "child".getBytes(), org.vhdspark.image.VhdOptions.defaults()
        .withAllowedFolder(org.vhdspark.io.Location.of(bases)));
  }

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd");
  }

  @Test
  void aGlobWithOneCorruptImageFailsNamingItAndTheReason() {
    assertThatThrownBy(() -> vhd().load(images.resolve("*.vhd").toString()).count())
        .isInstanceOf(VhdScanException.class)
        .hasMessageContaining("vhd: cannot read image " + Images.hadoopPath(images.resolve("c.vhd")))
        .hasMessageContaining("footer").hasMessageContaining("cookie")
        .hasMessageContaining("ignoreCorruptFiles=true");
  }

  @Test
  void ignoreCorruptFilesSkipsAndCountsThem() {
    Dataset<Row> rows = vhd().option("ignoreCorruptFiles", "true").load(images.resolve("*.vhd").toString());
    assertThat(rows.select("path").distinct().orderBy("path").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly(Images.hadoopPath(images.resolve("a.vhd")), Images.hadoopPath(images.resolve("b.vhd")));
    Map<String, Long> metrics = ScanMetrics.afterCollect(rows);
    assertThat(metrics).containsEntry(VhdMetrics.IMAGES_SKIPPED, 1L);
  }

  @Test
  void theSessionsIgnoreCorruptFilesIsTheDefault() {
    SharedSpark.spark().conf().set("spark.sql.files.ignoreCorruptFiles", "true");
    try {
      assertThat(vhd().load(images.resolve("*.vhd").toString()).count()).isEqualTo(2);
      assertThatThrownBy(() -> vhd().option("ignoreCorruptFiles", "false").load(images.resolve("*.vhd").toString()).count())
          .hasMessageContaining("c.vhd");
    } finally {
      SharedSpark.spark().conf().unset("spark.sql.files.ignoreCorruptFiles");
    }
  }

  @Test
  void foldersListTheirVisibleFilesAndPathGlobFilterChoosesNames() {
    // The folder's files: a, b, c (corrupt) and notes.txt (not an image); not _hidden.vhd, not nested/.
    Dataset<Row> folder = vhd().option("ignoreCorruptFiles", "true").load(images.toString());
    assertThat(ScanMetrics.afterCollect(folder)).containsEntry(VhdMetrics.IMAGES_SKIPPED, 2L);
    assertThat(folder.select("path").distinct().collectAsList()).hasSize(2);
    Dataset<Row> visible = vhd().option("pathGlobFilter", "[ab].vhd").load(images.toString());
    assertThat(visible.select("path").distinct().collectAsList()).hasSize(2);
    Dataset<Row> recursive = vhd().option("pathGlobFilter", "*.vhd").option("recursiveFileLookup", "true")
        .option("ignoreCorruptFiles", "true").load(images.toString());
    assertThat(recursive.select("path").distinct().orderBy("path").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly(Images.hadoopPath(images.resolve("a.vhd")), Images.hadoopPath(images.resolve("b.vhd")),
            Images.hadoopPath(images.resolve("nested/d.vhd")));
  }

  @Test
  void missingPathsFailAtLoadAsInSparksFileSources() {
    for (String missing : new String[] {dir.resolve("nothing.vhd").toString(), dir.resolve("none-*.vhd").toString()}) {
      String qualified = Images.hadoopPath(Path.of(missing));
      Throwable parquet = catchThrowable(() -> SharedSpark.spark().read().parquet(missing));
      assertThatThrownBy(() -> vhd().load(missing))
          .isInstanceOfSatisfying(AnalysisException.class, e -> {
            assertThat(e.getErrorClass()).isEqualTo("PATH_NOT_FOUND");
            assertThat(e.getMessageParameters()).containsExactly(Map.entry("path", qualified));
          })
          .hasMessage("[PATH_NOT_FOUND] Path does not exist: " + qualified + ".")
          .hasMessage(parquet.getMessage());
    }
    assertThatThrownBy(() -> vhd().load()).hasMessageContaining("no path given");
  }

  @Test
  void aFolderThatCannotBeListedFailsNamingIt() throws IOException {
    String folder = FaultyFileSystem.path(Files.createDirectories(dir.resolve("ioerror-folder")));
    assertThatThrownBy(() -> vhd().option(FaultyFileSystem.IMPL, FaultyFileSystem.class.getName()).load(folder))
        .isInstanceOf(VhdScanException.class)
        .hasMessage("vhd: cannot list the path " + folder + ": " + folder + ": " + FaultyFileSystem.MESSAGE);
  }

  @Test
  void aLocatorOutsideTheAllowedFoldersIsRefused() {
    String child = children.resolve("child.vhd").toString();
    assertThatThrownBy(() -> vhd().load(child).count())
        .isInstanceOf(VhdScanException.class)
        .hasMessageContaining("cannot read image " + Images.hadoopPath(children.resolve("child.vhd")))
        .hasMessageContaining("outside the allowed folders")
        .hasMessageContaining("parentPaths");
    assertThat(vhd().option("view", "delta").load(child).count()).isEqualTo(1);
  }

  @Test
  void parentPathsAllowAFolder() {
    Dataset<Row> rows = vhd().option("parentPaths", bases.toString()).load(children.resolve("child.vhd").toString());
    assertThat(rows.selectExpr("sector", "_layer", "_layer_path").collectAsList()).extracting(Row::toString)
        .containsExactly("[1,1," + Images.hadoopPath(bases.resolve("base.vhd")) + "]",
            "[2,0," + Images.hadoopPath(children.resolve("child.vhd")) + "]");
  }

  @Test
  void parentsNameTheParentExplicitly() {
    // A copy of the base elsewhere: found only because it is named.
    Dataset<Row> rows = vhd().option("parents", children.resolve("child.vhd") + "=" + bases.resolve("base.vhd"))
        .load(children.resolve("child.vhd").toString());
    assertThat(rows.count()).isEqualTo(2);
    Dataset<Row> json = vhd()
        .option("parents", "{\"" + Images.hadoopPath(children.resolve("child.vhd")) + "\": \"" + bases.resolve("base.vhd") + "\"}")
        .option("output", "catalog").load(children.resolve("child.vhd").toString());
    Row row = json.collectAsList().get(0);
    assertThat(row.<String>getAs("parent_path")).isEqualTo(Images.hadoopPath(bases.resolve("base.vhd")));
    assertThat(row.<Integer>getAs("chain_depth")).isEqualTo(2);
  }
}
