package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.interop.ExternalTools;
import org.vhdspark.interop.ExternalTools.Tool;
import org.vhdspark.interop.Libvhdi;
import org.vhdspark.interop.LibvhdiBitmapBug;
import org.vhdspark.interop.Qemu;

/**
 * Images written by {@code df.write.format("vhd")} read in QEMU ({@code qemu-img}) and libvhdi
 * (pyvhdi) as in vhd-core, and as the rows say: dynamic bases (2 MiB and 512 KiB blocks) and a fixed
 * base from random rows, and differencing children on a parent made by vhd-core. Rows cross every
 * 512 KiB (and so every 2 MiB) block boundary and end at the last sector.
 *
 * <p>QEMU 7.2's vpc driver has no backing files (and so ignores the parent locators): it reads a
 * differencing image alone, each allocated block as stored (bitmaps ignored) and the rest as zeros.
 * The child must read there as its own rows over zeros, our delta view: the write leaves zeros in the
 * sectors of a block that no row gives.
 *
 * <p>libvhdi follows the parent: {@code vhdi_read.py}, from vhd-core's test-jar, finds it by the
 * parent file name and attaches it with {@code set_parent}, reading one sector at a time, out of reach
 * of libvhdi 20210425's bug with reads that cross a block of a differencing image. That version also
 * tests a bitmap bit without masking, so in a child a clear sector after a set one in the same bitmap
 * byte reads as the child's (zeros): children of rows in whole bitmap bytes must read exactly,
 * children of unaligned rows exactly except at those sectors ({@code LibvhdiBitmapBug}), where zeros.
 *
 * <p>The tools are run by vhd-core's interop helpers ({@code ExternalTools}, {@code Qemu},
 * {@code Libvhdi}, from its test-jar): a missing tool skips the test, or fails it when {@code CI} is set.
 */
@ExtendWith(SharedSpark.class)
class TestWriteInterop {
  private static final int SECTOR = 512;
  private static final int KIB = 1024;
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  /** A base image to write: the write options, and what vhd-core must then find in it. */
  record Base(String type, String size, String blockSize, long bytes, int expectedBlockSize) {
    @Override
    public String toString() {
      return type + " " + size + (blockSize == null ? "" : ", blockSize " + blockSize);
    }
  }

  static Stream<Base> bases() {
    return Stream.of(
        new Base("dynamic", "5243392", null, 5L * MIB + SECTOR, 2 * MIB),
        new Base("dynamic", "3000320", "512k", 3_000_320L, 512 * KIB),
        new Base("fixed", "4m", null, 4L * MIB, 0));
  }

  /** A base written by Spark from random rows: qemu-img, libvhdi and vhd-core read the rows applied to zeros. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("bases")
  void sparkWrittenBasesReadAlikeInQemuAndLibvhdi(Base base) throws IOException {
    ExternalTools.require(Tool.QEMU_IMG);
    long sectors = base.bytes() / SECTOR;
    List<Row> rows = withBoundaryRows(TestWrite.randomRows(base.bytes(), sectors, new byte[(int) base.bytes()]),
        new Random(base.bytes()), sectors, 1);
    byte[] expected = applied(rows, new byte[(int) base.bytes()]);
    Path image = dir.resolve(base.type() + ".vhd");
    DataFrameWriter<Row> write = TestWrite.frame(rows).write().format("vhd").option("size", base.size())
        .option("type", base.type());
    if (base.blockSize() != null) {
      write = write.option("blockSize", base.blockSize());
    }
    write.save(image.toString());

    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      assertThat(disk.chain().image().footer().diskType())
          .isEqualTo(base.type().equals("fixed") ? DiskType.FIXED : DiskType.DYNAMIC);
      if (base.expectedBlockSize() > 0) {
        assertThat(disk.chain().image().blockSize()).isEqualTo(base.expectedBlockSize());
      }
      assertSameBytes("vhd-core's read of " + image.getFileName() + " vs the rows", Images.contents(disk), expected);
    }
    assertQemuInfo(image, base.bytes());
    assertSameBytes("qemu-img convert of " + image.getFileName() + " vs the rows", qemuRaw(image), expected);

    LibvhdiReading libvhdi = libvhdiRead(image);
    assertThat(libvhdi.layers()).containsExactly(image.getFileName().toString());
    assertThat(libvhdi.mediaSize()).isEqualTo(base.bytes());
    assertSameBytes("libvhdi's read of " + image.getFileName() + " vs the rows", libvhdi.bytes(), expected);
  }

  static Stream<Arguments> children() {
    return Stream.of(Arguments.of(8, 2 * MIB), Arguments.of(1, 2 * MIB), Arguments.of(1, 512 * KIB));
  }

  /**
   * A child written by Spark over a parent made by vhd-core (data in blocks at both ends, unallocated
   * blocks between),
   * from rows whose runs start and end at multiples of {@code align} sectors: libvhdi, with the parent
   * attached, reads the parent with the rows applied (except where its bitmap bug says, for unaligned
   * rows); QEMU, without the parent, the rows over zeros.
   */
  @ParameterizedTest(name = "rows aligned to {0} sectors, {1}-byte blocks")
  @MethodSource("children")
  void sparkWrittenChildReadsAlikeInLibvhdiWithItsParentAndInQemuAlone(int align, int blockSize) throws IOException {
    ExternalTools.require(Tool.QEMU_IMG);
    ExternalTools.require(Tool.PYVHDI);
    long size = 7L * MIB + 4 * KIB;
    long sectors = size / SECTOR;
    Random random = new Random(align * 31L + blockSize);
    Path parent = Images.dynamic(dir.resolve("base.vhd"), size, blockSize);
    byte[] expected = new byte[(int) size];
    byte[] head = new byte[3 * MIB + 1000];
    random.nextBytes(head);
    byte[] tail = new byte[MIB / 2 + 3 * SECTOR];
    random.nextBytes(tail);
    Images.write(parent, 0, head);
    Images.write(parent, size - tail.length, tail);
    System.arraycopy(head, 0, expected, 0, head.length);
    System.arraycopy(tail, 0, expected, (int) size - tail.length, tail.length);

    List<Row> randomRows = align == 1 ? TestWrite.randomRows(random.nextLong(), sectors, new byte[(int) size])
        : alignedRows(random, sectors, align);
    List<Row> rows = withBoundaryRows(randomRows, random, sectors, align);
    applied(rows, expected);
    byte[] delta = applied(rows, new byte[(int) size]);
    Path child = dir.resolve("child.vhd");
    TestWrite.frame(rows).write().format("vhd").option("parent", parent.toString()).save(child.toString());

    assertSameBytes("vhd-core's read of the child over its parent vs the parent with the rows", TestWrite.contents(child),
        expected);
    try (VirtualDisk disk = Images.delta(child, VhdOptions.defaults())) {
      assertThat(disk.chain().image().footer().diskType()).isEqualTo(DiskType.DIFFERENCING);
      assertThat(disk.chain().image().blockSize()).isEqualTo(blockSize);
      assertSameBytes("vhd-core's delta view of the child vs the rows over zeros", Images.contents(disk), delta);
    }

    assertQemuInfo(child, size);
    assertSameBytes("qemu-img convert of the child (read alone: vpc has no backing files) vs the rows over zeros",
        qemuRaw(child), delta);

    LibvhdiReading libvhdi = libvhdiRead(child);
    assertThat(libvhdi.layers()).as("libvhdi's chain, top first").containsExactly("child.vhd", "base.vhd");
    assertThat(libvhdi.mediaSize()).isEqualTo(size);
    BitSet misread;
    try (VirtualDisk disk = Images.resolved(child, VhdOptions.defaults())) {
      misread = LibvhdiBitmapBug.misreadSectors(disk);
    }
    byte[] libvhdiExpected = expected.clone();
    int misreadCount = 0;
    int hidden = 0;
    for (int s = 0; s < sectors; s++) {
      if (misread.get(s)) {
        assertThat(isZero(libvhdi.bytes(), s)).as("libvhdi reads zeros at sector %d (its bitmap bug)", s).isTrue();
        misreadCount++;
        hidden += isZero(expected, s) ? 0 : 1;
        Arrays.fill(libvhdiExpected, s * SECTOR, (s + 1) * SECTOR, (byte) 0);
      }
    }
    assertSameBytes("libvhdi's read of the child with its parent vs the parent with the rows (" + misreadCount
        + " sectors its bitmap bug misreads taken as zeros)", libvhdi.bytes(), libvhdiExpected);
    if (align % 8 == 0) {
      assertThat(misreadCount).as("rows in whole bitmap bytes leave libvhdi's bitmap bug nothing to misread").isZero();
    } else {
      assertThat(hidden).as("parent sectors libvhdi's bitmap bug hides (of %d misread): unaligned rows reach it", misreadCount)
          .isPositive();
    }
  }

  /** Spark writes a child of a Spark-written child: libvhdi resolves all three layers to the rows over the base. */
  @Test
  void sparkWrittenGrandchildReadsAlikeInLibvhdi() throws IOException {
    ExternalTools.require(Tool.PYVHDI);
    long size = 3L * MIB;
    long sectors = size / SECTOR;
    Random random = new Random(77);
    Path base = Images.dynamic(dir.resolve("base.vhd"), size, 2 * MIB);
    byte[] expected = new byte[(int) size];
    random.nextBytes(expected);
    Images.write(base, 0, expected);
    Path child = dir.resolve("child.vhd");
    List<Row> childRows = withBoundaryRows(alignedRows(random, sectors, 8), random, sectors, 8);
    TestWrite.frame(childRows).write().format("vhd").option("parent", base.toString()).save(child.toString());
    applied(childRows, expected);
    Path grandchild = dir.resolve("grandchild.vhd");
    List<Row> grandchildRows = withBoundaryRows(alignedRows(random, sectors, 8), random, sectors, 8);
    TestWrite.frame(grandchildRows).write().format("vhd").option("parent", child.toString()).save(grandchild.toString());
    applied(grandchildRows, expected);

    assertSameBytes("vhd-core's read of the grandchild vs the rows", TestWrite.contents(grandchild), expected);
    LibvhdiReading libvhdi = libvhdiRead(grandchild);
    assertThat(libvhdi.layers()).containsExactly("grandchild.vhd", "child.vhd", "base.vhd");
    assertSameBytes("libvhdi's read of the grandchild vs the rows", libvhdi.bytes(), expected);
  }

  // ---- rows ----

  /**
   * {@code random} without the rows that overlap the pinned ones, plus the pinned: a run across every
   * 512 KiB boundary and the last sectors of the disk, aligned to {@code align} sectors.
   */
  private static List<Row> withBoundaryRows(List<Row> random, Random bytes, long sectors, int align) {
    List<long[]> pinned = new ArrayList<>();
    int boundarySectors = 512 * KIB / SECTOR;
    long length = align == 1 ? 11 : 3L * align;
    for (long boundary = boundarySectors; boundary - align + length <= sectors - 2L * align; boundary += boundarySectors) {
      pinned.add(new long[] {align == 1 ? boundary - 3 : boundary - align, length});
    }
    pinned.add(new long[] {sectors - 2L * align, 2L * align});
    List<Row> rows = new ArrayList<>();
    for (Row row : random) {
      long start = row.getLong(0);
      long end = start + ((byte[]) row.get(1)).length / SECTOR;
      if (pinned.stream().noneMatch(p -> start < p[0] + p[1] && p[0] < end)) {
        rows.add(row);
      }
    }
    for (long[] p : pinned) {
      byte[] data = new byte[(int) p[1] * SECTOR];
      bytes.nextBytes(data);
      rows.add(RowFactory.create(p[0], data));
    }
    return rows;
  }

  /** Random runs (some zeros) that start and end at multiples of {@code align} sectors. */
  private static List<Row> alignedRows(Random random, long sectors, int align) {
    List<Row> rows = new ArrayList<>();
    for (long sector = 0; sector < sectors; sector += (long) align * (1 + random.nextInt(90))) {
      int count = (int) Math.min((long) align * (1 + random.nextInt(25)), sectors - sector);
      byte[] bytes = new byte[count * SECTOR];
      if (random.nextInt(5) > 0) {
        random.nextBytes(bytes);
      }
      rows.add(RowFactory.create(sector, bytes));
      sector += count;
    }
    return rows;
  }

  private static byte[] applied(List<Row> rows, byte[] disk) {
    for (Row row : rows) {
      byte[] bytes = (byte[]) row.get(1);
      System.arraycopy(bytes, 0, disk, (int) (row.getLong(0) * SECTOR), bytes.length);
    }
    return disk;
  }

  private static boolean isZero(byte[] disk, int sector) {
    for (int i = sector * SECTOR; i < (sector + 1) * SECTOR; i++) {
      if (disk[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Sizes, then the sector ranges that differ (AssertJ would print megabytes). */
  private static void assertSameBytes(String what, byte[] actual, byte[] expected) {
    assertThat(actual.length).as("%s: size", what).isEqualTo(expected.length);
    List<String> ranges = new ArrayList<>();
    int count = 0;
    for (int s = 0; s < expected.length / SECTOR; s++) {
      int from = s * SECTOR;
      if (!Arrays.equals(actual, from, from + SECTOR, expected, from, from + SECTOR)) {
        int first = s;
        while (s + 1 < expected.length / SECTOR
            && !Arrays.equals(actual, (s + 1) * SECTOR, (s + 2) * SECTOR, expected, (s + 1) * SECTOR, (s + 2) * SECTOR)) {
          s++;
        }
        count += s - first + 1;
        if (ranges.size() < 20) {
          ranges.add(first == s ? "sector " + first + " (byte " + (long) first * SECTOR + ")"
              : "sectors " + first + "-" + s + " (bytes " + (long) first * SECTOR + "-" + ((long) s * SECTOR + SECTOR - 1) + ")");
        }
      }
    }
    assertThat(ranges).as("%s: %d differing sectors", what, count).isEmpty();
  }

  // ---- external tools (vhd-core's interop helpers) ----

  private static void assertQemuInfo(Path image, long size) {
    Qemu.Info info = Qemu.info(image);
    assertThat(info.virtualSize()).as("qemu-img info virtual-size of %s", image.getFileName()).isEqualTo(size);
    assertThat(info.format()).as("qemu-img info format of %s", image.getFileName()).isEqualTo("vpc");
  }

  /** {@code qemu-img convert -f vpc -O raw}: always {@code -f vpc}, as a fixed VHD would probe as raw. */
  private byte[] qemuRaw(Path image) throws IOException {
    return Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve(image.getFileName() + ".qemu.raw")));
  }

  /** What libvhdi read: the file names of the chain (top first), the media size and the whole disk. */
  record LibvhdiReading(List<String> layers, long mediaSize, byte[] bytes) {}

  private LibvhdiReading libvhdiRead(Path image) throws IOException {
    Path raw = dir.resolve(image.getFileName() + ".libvhdi.raw");
    Libvhdi.Reading reading = Libvhdi.read(image, raw);
    byte[] bytes = Files.readAllBytes(raw);
    assertThat(reading.sha256()).as("libvhdi's sha256 of %s vs of the raw disk it wrote", image.getFileName())
        .isEqualTo(Images.sha256(bytes));
    return new LibvhdiReading(reading.layers().stream().map(layer -> layer.getFileName().toString()).toList(),
        reading.mediaSize(), bytes);
  }
}
