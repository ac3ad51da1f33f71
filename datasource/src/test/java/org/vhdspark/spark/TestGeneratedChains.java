package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;

/**
 * Chains made by vhd-core's writer (dynamic and fixed bases, small and large blocks, sizes that end
 * inside a block, unaligned writes, zeros over parent data), read through Spark in every view and
 * row size, against what vhd-core reads.
 */
@ExtendWith(SharedSpark.class)
class TestGeneratedChains {
  @TempDir
  static Path dir;

  /** Every image of every chain: bases, children, grandchildren. */
  private static final List<Path> IMAGES = new ArrayList<>();

  @BeforeAll
  static void makeChains() throws IOException {
    Random random = new Random(42);
    for (String name : List.of("small-blocks", "fixed-base", "large-blocks")) {
      Files.createDirectories(dir.resolve(name));
    }
    chain("small-blocks", Images.dynamic(dir.resolve("small-blocks/base.vhd"), (3L << 20) + 3 * 512, 4096), 3, random);
    chain("fixed-base", Images.fixed(dir.resolve("fixed-base/base.vhd"), (2L << 20) + 512), 2, random);
    chain("large-blocks", Images.dynamic(dir.resolve("large-blocks/base.vhd"), 5L << 20, 2 << 20), 3, random);
  }

  private static void chain(String name, Path base, int levels, Random random) throws IOException {
    Path top = base;
    IMAGES.add(base);
    scribble(base, random);
    for (int level = 1; level < levels; level++) {
      top = Images.child(top, dir.resolve(name).resolve("level" + level + ".vhd"));
      scribble(top, random);
      IMAGES.add(top);
    }
  }

  /** Unaligned random writes, some zeros over earlier data, the first and last bytes. */
  private static void scribble(Path image, Random random) throws IOException {
    long size;
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      size = disk.size();
    }
    for (int i = 0; i < 12; i++) {
      int length = 1 + random.nextInt(i < 3 ? 70_000 : 3000);
      long offset = (long) (random.nextDouble() * (size - length));
      byte[] data = new byte[length];
      if (i % 4 != 3) {
        random.nextBytes(data);
      }
      Images.write(image, offset, data);
    }
    Images.write(image, 0, new byte[] {7});
    Images.write(image, size - 3, new byte[] {1, 2, 3});
  }

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd");
  }

  @Test
  void everyImageReassemblesToItsResolvedDisk() throws IOException {
    for (Path image : IMAGES) {
      try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
        String expected = Images.sha256(Images.contents(disk));
        Dataset<Row> rows = vhd().option("includeUnallocated", "true").load(image.toString());
        assertThat(TestFixtureScans.Rows.sha256InSectorOrder(rows, 1)).as("%s", image).isEqualTo(expected);
      }
    }
  }

  @Test
  void resolvedAndDeltaRowsAreTheHeldSectorsWithTheirOwners() throws IOException {
    for (Path image : IMAGES) {
      try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
        assertThat(describe(vhd().load(image.toString()), "_layer"))
            .as("resolved %s", image).isEqualTo(expected(image, disk, 1, s -> true));
      }
      try (VirtualDisk disk = Images.delta(image, VhdOptions.defaults())) {
        assertThat(describe(vhd().option("view", "delta").load(image.toString()), "_layer"))
            .as("delta %s", image).isEqualTo(expected(image, disk, 1, s -> true));
      }
    }
  }

  @Test
  void coarseRowsHoldEveryRowWithAnAllocatedSector() throws IOException {
    for (Path image : List.of(IMAGES.get(2), IMAGES.get(4), IMAGES.get(7))) {
      for (int sectorsPerRow : new int[] {8, 256}) {
        try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
          if (sectorsPerRow > disk.sectorsPerBlock()) {
            continue;
          }
          Dataset<Row> rows = vhd().option("sectorsPerRow", Integer.toString(sectorsPerRow)).load(image.toString());
          assertThat(describe(rows, "_layer")).as("%s by %d", image, sectorsPerRow)
              .isEqualTo(expected(image, disk, sectorsPerRow, s -> true));
        }
      }
    }
  }

  @Test
  void filtersOnSectorsAndBlocksGiveTheFilteredRows() throws IOException {
    Path image = IMAGES.get(2);
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      int spb = disk.sectorsPerBlock();
      assertThat(describe(vhd().load(image.toString()).where("sector BETWEEN 1000 AND 3000 OR sector IN (0, 5, 6000)"), "_layer"))
          .isEqualTo(expected(image, disk, 1, s -> s >= 1000 && s <= 3000 || s == 0 || s == 5 || s == 6000));
      int[] owners = Images.owners(disk);
      int held = IntStream.range(0, owners.length).filter(s -> owners[s] != BlockRuns.ZEROS && s % spb > 2).findFirst().orElseThrow();
      long block = held / spb;
      assertThat(describe(vhd().load(image.toString()).where("block = " + block + " AND sector > " + (block * spb + 2)), "_layer"))
          .isEqualTo(expected(image, disk, 1, s -> s / spb == block && s > block * spb + 2));
      assertThat(describe(vhd().option("sectorsPerRow", "4").load(image.toString()).where("sector >= 17 AND sector < 1000"), "_layer"))
          .isEqualTo(expected(image, disk, 4, s -> s >= 17 && s < 1000));
    }
  }

  /** Rows as text, in scan order (which is sector order for one image). */
  private static List<String> describe(Dataset<Row> rows, String layerColumn) {
    return rows.select("path", "block", "sector", "bytes", layerColumn).collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getLong(1) + " " + r.getLong(2) + " " + Images.sha256((byte[]) r.get(3)) + " "
            + (r.isNullAt(4) ? "-" : String.valueOf(r.getInt(4))))
        .toList();
  }

  /**
   * What vhd-core says the rows are: rows of {@code sectorsPerRow} sectors holding any sector some
   * layer of the view holds, whose start passes {@code filter}, with the newest layer in the row.
   */
  private static List<String> expected(Path image, VirtualDisk disk, int sectorsPerRow, LongPredicate filter) throws IOException {
    byte[] contents = Images.contents(disk);
    int[] owners = Images.owners(disk);
    int spb = disk.sectorsPerBlock();
    List<String> rows = new ArrayList<>();
    for (long start = 0; start < owners.length; start += sectorsPerRow) {
      int end = (int) Math.min(start + sectorsPerRow, Math.min(owners.length, (start / spb + 1) * spb));
      int newest = BlockRuns.ZEROS;
      for (int s = (int) start; s < end; s++) {
        if (owners[s] != BlockRuns.ZEROS && (newest == BlockRuns.ZEROS || owners[s] < newest)) {
          newest = owners[s];
        }
      }
      if (newest == BlockRuns.ZEROS || !filter.test(start)) {
        continue;
      }
      byte[] bytes = Arrays.copyOfRange(contents, (int) start * 512, end * 512);
      rows.add(Images.hadoopPath(image) + " " + start / spb + " " + start + " " + Images.sha256(bytes) + " " + newest);
    }
    assertThat(rows).as("expected rows of %s", image).isNotEmpty();
    return rows;
  }

  @Test
  void theChainsAreWhatTheyClaim() throws IOException {
    assertThat(IMAGES).hasSize(8);
    for (Path image : IMAGES) {
      assertThat(Files.size(image)).isPositive();
    }
    try (VirtualDisk disk = Images.resolved(IMAGES.get(2), VhdOptions.defaults())) {
      assertThat(disk.layerCount()).isEqualTo(3);
      assertThat(disk.sectorsPerBlock()).isEqualTo(8);
    }
  }
}
