package org.vhdspark.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/**
 * {@code df.write.format("vhd")} on local files: children and new base images hold exactly the rows
 * written (vhd-core reads them back as the oracle), pass {@code vhd check}, and the save modes,
 * option errors and bad rows behave as documented; no fragment is ever left beside the target.
 */
@ExtendWith(SharedSpark.class)
class TestWrite {
  static final StructType ROWS = new StructType().add("sector", DataTypes.LongType).add("bytes", DataTypes.BinaryType);
  private static final int BLOCK = 64 * 1024;

  @TempDir
  Path dir;

  private static SparkSession spark() {
    return SharedSpark.spark();
  }

  /** Rows of random sectors, some runs crossing blocks, some zeros; applied to {@code disk} as the expected contents. */
  static List<Row> randomRows(long seed, long sectors, byte[] disk) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (long sector = random.nextInt(50); sector < sectors; sector += 1 + random.nextInt(700)) {
      int count = (int) Math.min(1 + random.nextInt(200), sectors - sector);
      byte[] bytes = new byte[count * 512];
      if (random.nextInt(5) > 0) {
        random.nextBytes(bytes);
      }
      System.arraycopy(bytes, 0, disk, (int) (sector * 512), bytes.length);
      rows.add(RowFactory.create(sector, bytes));
      sector += count;
    }
    return rows;
  }

  static Dataset<Row> frame(List<Row> rows) {
    // Several partitions, in no order: the write clusters and sorts them itself.
    List<Row> shuffled = new ArrayList<>(rows);
    java.util.Collections.shuffle(shuffled, new Random(1));
    return spark().createDataFrame(shuffled, ROWS).repartition(3);
  }

  /**
   * Runs {@code write} with {@code tasks} shuffle partitions that adaptive execution keeps apart, so
   * the image is built from that many fragments (small test data would be coalesced into one).
   */
  static void withTasks(int tasks, Runnable write) {
    var conf = spark().conf();
    String partitions = conf.get("spark.sql.shuffle.partitions");
    conf.set("spark.sql.shuffle.partitions", Integer.toString(tasks));
    conf.set("spark.sql.adaptive.coalescePartitions.enabled", "false");
    try {
      write.run();
    } finally {
      conf.set("spark.sql.shuffle.partitions", partitions);
      conf.unset("spark.sql.adaptive.coalescePartitions.enabled");
    }
  }

  static byte[] contents(Path image) throws IOException {
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      return Images.contents(disk);
    }
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(name -> name.startsWith(".")).toList();
    }
  }

  @Test
  void aChildHoldsExactlyTheRowsOnTopOfItsParent() throws IOException {
    long size = 40L * BLOCK + 512 * 3;
    Path parent = Images.dynamic(dir.resolve("base.vhd"), size, BLOCK);
    byte[] expected = new byte[(int) size];
    new Random(9).nextBytes(expected);
    Images.write(parent, 0, expected);
    byte[] parentBytes = expected.clone();
    List<Row> rows = randomRows(2, size / 512, expected);
    Path child = dir.resolve("child.vhd");

    withTasks(3, () -> frame(rows).write().format("vhd").option("parent", parent.toString()).save(child.toString()));

    assertThat(VhdWrites.lastReport(spark()).orElseThrow().fragments()).isEqualTo(3);
    assertThat(contents(child)).isEqualTo(expected);
    assertThat(contents(parent)).isEqualTo(parentBytes);
    // Only the given sectors are the child's own, zeros included.
    try (VirtualDisk delta = Images.delta(child, VhdOptions.defaults())) {
      int[] owners = Images.owners(delta);
      boolean[] given = new boolean[(int) (size / 512)];
      for (Row row : rows) {
        Arrays.fill(given, (int) row.getLong(0), (int) (row.getLong(0) + ((byte[]) row.get(1)).length / 512), true);
      }
      for (int s = 0; s < given.length; s++) {
        assertThat(owners[s] == 0).as("sector %d is the child's", s).isEqualTo(given[s]);
      }
      assertThat(delta.chain().image().footer().diskType()).isEqualTo(DiskType.DIFFERENCING);
      assertThat(delta.chain().image().blockSize()).isEqualTo(BLOCK);
    }
    assertThat(new ImageChecker(LocalImageStore.INSTANCE, VhdOptions.defaults()).check(Location.of(child))).isEmpty();
    assertThat(leftovers()).isEmpty();
    VhdWriteReport report = VhdWrites.lastReport(spark()).orElseThrow();
    assertThat(report.join()).isEqualTo("copy by the driver");
    assertThat(report.target()).endsWith("child.vhd");
  }

  @Test
  void theChildReadsBackThroughSparkInBothViews() throws IOException {
    long size = 16L * BLOCK;
    Path parent = Images.dynamic(dir.resolve("base.vhd"), size, BLOCK);
    byte[] expected = new byte[(int) size];
    Images.write(parent, 0, new byte[] {1, 2, 3});
    expected[0] = 1;
    expected[1] = 2;
    expected[2] = 3;
    List<Row> rows = randomRows(4, size / 512, expected);
    Path child = dir.resolve("child.vhd");
    frame(rows).write().format("vhd").option("parent", parent.toString()).save(child.toString());

    Dataset<Row> delta = spark().read().format("vhd").option("view", "delta").load(child.toString());
    long givenSectors = rows.stream().mapToLong(r -> ((byte[]) r.get(1)).length / 512).sum();
    assertThat(delta.count()).isEqualTo(givenSectors);
    // Written back unchanged (path and block columns ignored), a copy of the child resolves the same.
    Path copy = dir.resolve("copy.vhd");
    delta.write().format("vhd").option("parent", parent.toString()).save(copy.toString());
    assertThat(contents(copy)).isEqualTo(expected);
  }

  @Test
  void aChainWrittenFlatEqualsItsResolvedDisk() throws IOException {
    long size = 12L * BLOCK + 512;
    Path base = Images.dynamic(dir.resolve("base.vhd"), size, BLOCK);
    Images.write(base, 5000, new byte[70000]);
    byte[] some = new byte[90000];
    new Random(3).nextBytes(some);
    Images.write(base, 100, some);
    Path top = Images.child(base, dir.resolve("top.vhd"));
    Images.write(top, 300000, some);
    byte[] expected = contents(top);

    Path flat = dir.resolve("flat.vhd");
    spark().read().format("vhd").load(top.toString()).write().format("vhd").option("size", Long.toString(size))
        .save(flat.toString());
    assertThat(contents(flat)).isEqualTo(expected);

    Path fixed = dir.resolve("fixed.vhd");
    spark().read().format("vhd").option("sectorsPerRow", "16").load(top.toString()).write().format("vhd")
        .option("type", "fixed").option("size", Long.toString(size)).save(fixed.toString());
    assertThat(contents(fixed)).isEqualTo(expected);
    assertThat(Files.size(fixed)).isEqualTo(size + 512);
    assertThat(new ImageChecker(LocalImageStore.INSTANCE, VhdOptions.defaults()).check(Location.of(fixed))).isEmpty();
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void aDynamicBaseLeavesBlocksWithoutRowsUnallocated() throws IOException {
    long size = 64L << 20;
    byte[] one = new byte[1024];
    Arrays.fill(one, (byte) 5);
    Path image = dir.resolve("new.vhd");
    spark().createDataFrame(List.of(RowFactory.create(40_000L, one)), ROWS).write().format("vhd").option("size", "64m")
        .option("blockSize", "512k").save(image.toString());
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      assertThat(disk.size()).isEqualTo(size);
      assertThat(disk.chain().image().blockSize()).isEqualTo(512 * 1024);
      assertThat(disk.chain().image().footer().diskType()).isEqualTo(DiskType.DYNAMIC);
      byte[] all = Images.contents(disk);
      byte[] expected = new byte[(int) size];
      System.arraycopy(one, 0, expected, 40_000 * 512, one.length);
      assertThat(all).isEqualTo(expected);
    }
    // Header, BAT and one block: nothing for the other 127 blocks.
    assertThat(Files.size(image)).isLessThan(1 << 20);
  }

  @Test
  void saveModes() throws IOException {
    Path image = dir.resolve("modes.vhd");
    Dataset<Row> first = spark().createDataFrame(List.of(RowFactory.create(0L, filled(512, 1))), ROWS);
    Dataset<Row> second = spark().createDataFrame(List.of(RowFactory.create(0L, filled(512, 2))), ROWS);
    first.write().format("vhd").option("size", "1m").save(image.toString());
    assertThatThrownBy(() -> second.write().format("vhd").option("size", "1m").save(image.toString()))
        .hasMessageContaining("PATH_ALREADY_EXISTS").hasMessageContaining("modes.vhd");
    second.write().format("vhd").mode(SaveMode.Ignore).option("size", "1m").save(image.toString());
    assertThat(contents(image)[0]).isEqualTo((byte) 1);
    second.write().format("vhd").mode(SaveMode.Overwrite).option("size", "1m").save(image.toString());
    assertThat(contents(image)[0]).isEqualTo((byte) 2);
    assertThatThrownBy(() -> second.write().format("vhd").mode(SaveMode.Append).option("size", "1m").save(image.toString()))
        .hasMessageContaining("save mode append is not supported on an existing image").hasMessageContaining("option(\"parent\"");
    // Appending to nothing makes the image, as appending to an empty folder makes a Parquet table.
    Path appended = dir.resolve("appended.vhd");
    second.write().format("vhd").mode(SaveMode.Append).option("size", "1m").save(appended.toString());
    assertThat(contents(appended)[0]).isEqualTo((byte) 2);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void overwritingTheParentOrAnAncestorIsRefused() throws IOException {
    Path base = Images.dynamic(dir.resolve("base.vhd"), 1 << 20, BLOCK);
    Path mid = Images.child(base, dir.resolve("mid.vhd"));
    Dataset<Row> rows = spark().createDataFrame(List.of(RowFactory.create(0L, filled(512, 1))), ROWS);
    for (Path target : List.of(mid, base)) {
      assertThatThrownBy(() -> rows.write().format("vhd").mode(SaveMode.Overwrite).option("parent", mid.toString())
          .save(target.toString()))
          .hasMessageContaining(target.equals(mid) ? "the target is the parent" : "the target is an ancestor of the parent");
    }
    assertThat(Files.size(base)).isGreaterThan(0);
  }

  @Test
  void sessionDefaultsOfWritesApplyAndThoseOfReadsDoNotBreakWrites() throws IOException {
    var conf = spark().conf();
    conf.set(SessionSettings.OPTION_PREFIX + "blockSize", "512k");
    conf.set(SessionSettings.OPTION_PREFIX + "view", "delta");
    try {
      Path image = dir.resolve("defaults.vhd");
      spark().createDataFrame(List.of(RowFactory.create(0L, filled(512, 3))), ROWS).write().format("vhd").option("size", "4m")
          .save(image.toString());
      try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
        assertThat(disk.chain().image().blockSize()).isEqualTo(512 * 1024);
      }
      // The write's default does not break reads; the same option given to a read is refused.
      assertThat(spark().read().format("vhd").load(image.toString()).count()).isEqualTo(1);
      assertThatThrownBy(() -> spark().read().format("vhd").option("blockSize", "1m").load(image.toString()))
          .hasMessageContaining("'blockSize' applies to writes");
    } finally {
      conf.unset(SessionSettings.OPTION_PREFIX + "blockSize");
      conf.unset(SessionSettings.OPTION_PREFIX + "view");
    }
  }

  @Test
  void aParentOnAnotherFileSystemIsRefused() throws IOException {
    Path parent = Images.dynamic(dir.resolve("base.vhd"), 1 << 20, BLOCK);
    Dataset<Row> rows = spark().createDataFrame(List.of(RowFactory.create(0L, filled(512, 1))), ROWS);
    assertThatThrownBy(() -> rows.write().format("vhd").option(FaultyFileSystem.IMPL, FaultyFileSystem.class.getName())
        .option("parent", parent.toString()).save(FaultyFileSystem.path(dir.resolve("child.vhd"))))
        .hasMessageContaining("the parent file:" + parent).hasMessageContaining("is on another file system");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void badOptionsAreRefusedNamingThem() {
    Dataset<Row> rows = spark().createDataFrame(List.of(RowFactory.create(0L, filled(512, 1))), ROWS);
    String target = dir.resolve("x.vhd").toString();
    assertThatThrownBy(() -> rows.write().format("vhd").save(target)).hasMessageContaining("'size' is required");
    assertThatThrownBy(() -> rows.write().format("vhd").option("size", "1m").option("colour", "red").save(target))
        .hasMessageContaining("unknown write option 'colour'");
    assertThatThrownBy(() -> rows.write().format("vhd").option("size", "1m").option("view", "delta").save(target))
        .hasMessageContaining("'view' applies to reads");
    assertThatThrownBy(() -> rows.write().format("vhd").option("size", "1m").option("type", "sparse").save(target))
        .hasMessageContaining("'type'").hasMessageContaining("dynamic, fixed");
    assertThatThrownBy(() -> rows.write().format("vhd").option("size", "1000").save(target))
        .hasMessageContaining("multiple of 512");
    assertThatThrownBy(() -> rows.write().format("vhd").option("size", "1m").option("blockSize", "3000").save(target))
        .hasMessageContaining("'blockSize'");
    assertThatThrownBy(() -> spark().read().format("vhd").option("size", "1m").load(target))
        .hasMessageContaining("'size' applies to writes");
    assertThatThrownBy(() -> rows.withColumn("extra", lit(1)).write().format("vhd").option("size", "1m").save(target))
        .hasMessageContaining("column 'extra'");
    assertThatThrownBy(() -> rows.withColumn("sector", col("sector").cast("int")).write().format("vhd").option("size", "1m")
        .save(target)).hasMessageContaining("column 'sector' must be BIGINT, found INT");
    assertThatThrownBy(() -> rows.drop("bytes").write().format("vhd").option("size", "1m").save(target))
        .hasMessageContaining("need columns sector BIGINT and bytes BINARY");
    assertThat(Files.exists(Path.of(target))).isFalse();
  }

  @Test
  void badRowsFailTheJobNamingTheSectorAndLeaveNothing() throws IOException {
    String target = dir.resolve("bad.vhd").toString();
    List<List<Row>> cases = List.of(
        List.of(RowFactory.create(10L, new byte[512]), RowFactory.create(10L, new byte[512])),
        List.of(RowFactory.create(8L, new byte[2048]), RowFactory.create(9L, new byte[512])),
        List.of(RowFactory.create(7L, new byte[700])),
        List.of(RowFactory.create(2047L, new byte[1024])),
        List.of(RowFactory.create(5L, null)),
        List.of(RowFactory.create(null, new byte[512])));
    List<String> messages = List.of("sector 10 given twice", "the row at sector 9", "the row at sector 7: sector 7: 700 bytes",
        "the row at sector 2047", "the row at sector 5 has null bytes", "a row with a null sector");
    for (String type : List.of("dynamic", "fixed")) {
      for (int i = 0; i < cases.size(); i++) {
        Dataset<Row> rows = spark().createDataFrame(cases.get(i), ROWS);
        assertThatThrownBy(() -> rows.write().format("vhd").option("size", "1m").option("type", type).save(target))
            .as(type + " case " + i).hasMessageContaining(messages.get(i)).hasMessageContaining("bad.vhd, task ");
        assertThat(leftovers()).as(type + " case " + i).isEmpty();
        assertThat(Files.exists(Path.of(target))).isFalse();
      }
    }
  }

  static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
