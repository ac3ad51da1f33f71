package org.vhdspark.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.vhdspark.format.Bat;
import org.vhdspark.format.Bits;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.Footer;
import org.vhdspark.format.Geometry;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.interop.OurWriter.Write;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.write.ChainOperations;
import org.vhdspark.write.FragmentWriter;
import org.vhdspark.write.FragmentedImage;
import org.vhdspark.write.ImageSpec;

/**
 * Images our writer creates and writes read the same in QEMU and libvhdi as in vhd-core: fixed and
 * dynamic images after unaligned writes (QEMU and libvhdi), differencing children and grandchildren,
 * a {@code diff} child and a {@code convert}ed blktap chain (libvhdi only: QEMU's vpc driver has no
 * backing files and reads a differencing image as if it had no parent).
 *
 * <p>Sizing in QEMU: {@code block/vpc.c} sizes images by their CHS geometry unless the creator is
 * one it trusts ({@code win }, {@code qem2}, {@code d2v }, {@code CTXS}, {@code tap\0}) or the geometry
 * is the maximum. Our writer records creator {@code win } so that QEMU takes the current size: every
 * size, CHS-exact or not, must read whole and equal in QEMU.
 *
 * <p>libvhdi's bitmap bug ({@link LibvhdiBitmapBug}) is kept out of reach in children by writes
 * that fill whole bitmap bytes, and shown to be the only difference where children get unaligned
 * writes.
 */
class TestWriterInterop {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;
  private static final int SECTOR = 512;
  private static final int MIB = 1 << 20;
  /** 150 cylinders, 4 heads, 17 sectors per track: exactly. */
  private static final long CHS_EXACT = 150L * 4 * 17 * SECTOR;
  /** 60/4/17 exactly, and less than one 2 MiB block. */
  private static final long CHS_EXACT_UNDER_A_BLOCK = 60L * 4 * 17 * SECTOR;
  private static final long FIVE_MIB_AND_A_SECTOR = 5L * MIB + SECTOR;
  private static final long THREE_MILLION_IN_SECTORS = VhdFormat.roundUpToSector(3_000_000L);
  /** {@code qemu-img check}'s exit code for a format without a check, as vpc is in QEMU 7.2. */
  private static final int QEMU_CHECK_NOT_SUPPORTED = 63;

  /** An image to create: fixed, or dynamic with a block size (for a fixed one, the 2 MiB the write plan crosses). */
  record Layout(DiskType type, long size, int blockSize) {
    static Layout fixed(long size) {
      return new Layout(DiskType.FIXED, size, 2 * MIB);
    }

    static Layout dynamic(long size, int blockSize) {
      return new Layout(DiskType.DYNAMIC, size, blockSize);
    }

    boolean isChsExact() {
      return Geometry.forSize(size).sizeBytes() == size;
    }

    Path create(Path image) throws IOException {
      return type == DiskType.FIXED ? OurWriter.createFixed(image, size) : OurWriter.createDynamic(image, size, blockSize);
    }

    Random random() {
      return new Random(size * 31 + blockSize + type.ordinal());
    }

    @Override
    public String toString() {
      return String.format("%s %,d bytes%s%s", type.label(), size,
          type == DiskType.FIXED ? "" : ", " + blockSize / 1024 + " KiB blocks", isChsExact() ? " (CHS-exact)" : "");
    }
  }

  static Stream<Layout> layouts() {
    List<Layout> layouts = new ArrayList<>();
    for (long size : List.of(CHS_EXACT, CHS_EXACT_UNDER_A_BLOCK, FIVE_MIB_AND_A_SECTOR, THREE_MILLION_IN_SECTORS)) {
      layouts.add(Layout.fixed(size));
      layouts.add(Layout.dynamic(size, 2 * MIB));
      layouts.add(Layout.dynamic(size, 512 * 1024));
    }
    return layouts.stream();
  }

  static Stream<Layout> dynamicLayouts() {
    return layouts().filter(layout -> layout.type() == DiskType.DYNAMIC);
  }

  /** {@code qemu-img convert -O raw} of an image we created and wrote, against our read and the writes. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void qemuReadsWhatWeWrote(Layout layout, @TempDir Path dir) throws IOException {
    Qemu.requireTools();
    byte[] disk = new byte[Math.toIntExact(layout.size())];
    Path image = layout.create(dir.resolve("ours.vhd"));
    OurWriter.write(image, OurWriter.unalignedWrites(layout.size(), layout.blockSize(), layout.random()), disk);
    byte[] ours = OurReader.readAll(image, VhdOptions.defaults());
    assertSameBytes("our resolved read vs the writes", ours, disk);

    byte[] atCurrentSize = Files.readAllBytes(Qemu.convertToRawAtCurrentSize(image, dir.resolve("current-size.raw")));
    assertSameBytes("qemu-img convert with force_size_calc=current_size vs our read", atCurrentSize, ours);

    assertThat(Qemu.virtualSize(image)).as("qemu-img info virtual size").isEqualTo(layout.size());
    byte[] qemu = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));
    assertSameBytes("qemu-img convert -f vpc vs our read", qemu, ours);
  }

  /**
   * QEMU takes the current size of our images, CHS-exact or not, because of the creator code we
   * write; with an unknown creator it would drop the tail of the three sizes that are not CHS-exact.
   */
  @ParameterizedTest(name = "{0}, {1} bytes")
  @CsvSource({
      "DYNAMIC, 5222400",
      "DYNAMIC, 5243392",
      "DYNAMIC, 3000320",
      "DYNAMIC, 8388608",
      "FIXED, 5243392",
      "FIXED, 8388608"})
  void qemuSizesOurImagesByTheirCurrentSize(DiskType type, long size, @TempDir Path dir) throws IOException {
    Qemu.requireTools();
    Layout layout = type == DiskType.FIXED ? Layout.fixed(size) : Layout.dynamic(size, 2 * MIB);
    Path image = layout.create(dir.resolve("ours.vhd"));
    try (VhdChain chain = OurReader.imageOnly(image, VhdOptions.defaults())) {
      Footer footer = chain.image().footer();
      assertThat(footer.creatorApplicationName()).isEqualTo("win");
      assertThat(footer.currentSize()).isEqualTo(size);
      assertThat(footer.geometry()).isEqualTo(Geometry.forSize(size));
    }
    assertThat(Qemu.virtualSize(image)).as("qemu-img info virtual size of our %s", layout).isEqualTo(size);
  }

  /**
   * {@code qemu-img check} has nothing to say about vpc images in QEMU 7.2 (exit 63, "This image format
   * does not support checks"); should a later QEMU check them, the check must come out clean. Either
   * way QEMU's own view of the layout, {@code qemu-img map}, is held to {@code vhd-util check}'s rules
   * for blocks and compared with our BAT.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dynamicLayouts")
  void qemuFindsOurDynamicImagesSound(Layout layout, @TempDir Path dir) throws IOException {
    Qemu.requireTools();
    Path image = layout.create(dir.resolve("ours.vhd"));
    assertSoundInQemu(image);
    OurWriter.write(image, OurWriter.unalignedWrites(layout.size(), layout.blockSize(), layout.random()),
        new byte[Math.toIntExact(layout.size())]);
    assertSoundInQemu(image);
  }

  static Stream<Layout> chainBases() {
    return Stream.of(Layout.fixed(FIVE_MIB_AND_A_SECTOR), Layout.dynamic(FIVE_MIB_AND_A_SECTOR, 2 * MIB),
        Layout.dynamic(THREE_MILLION_IN_SECTORS, 512 * 1024));
  }

  /**
   * base (unaligned writes) <- child <- grandchild (writes of whole bitmap bytes: 4 KiB-aligned, and the
   * odd sectors at the end of the disk), each level read by libvhdi as by us: the same bytes, media
   * size, identifier, parent identifier and parent file name.
   */
  @ParameterizedTest(name = "{0} base")
  @MethodSource("chainBases")
  void libvhdiReadsOurChains(Layout layout, @TempDir Path dir) throws IOException {
    Random random = layout.random();
    byte[] disk = new byte[Math.toIntExact(layout.size())];
    Path base = layout.create(dir.resolve("base.vhd"));
    OurWriter.write(base, OurWriter.unalignedWrites(layout.size(), layout.blockSize(), random), disk);
    assertLibvhdiReadsAlike(base, disk, "base.vhd");

    Path child = OurWriter.createChild(base, dir.resolve("child.vhd"));
    assertLibvhdiReadsAlike(child, disk, "child.vhd", "base.vhd");
    OurWriter.write(child, OurWriter.alignedWrites(layout.size(), layout.blockSize(), random, disk), disk);
    assertLibvhdiReadsAlike(child, disk, "child.vhd", "base.vhd");

    Path grandchild = OurWriter.createChild(child, dir.resolve("grandchild.vhd"));
    OurWriter.write(grandchild, OurWriter.alignedWrites(layout.size(), layout.blockSize(), random, disk), disk);
    assertLibvhdiReadsAlike(grandchild, disk, "grandchild.vhd", "child.vhd", "base.vhd");
  }

  /**
   * Unaligned writes into children: partial sectors completed from the parent, bitmap bytes half set.
   * libvhdi differs from us exactly where its bitmap bug says (zeros there), and nowhere else.
   */
  @Test
  void libvhdiReadsUnalignedChildWritesExceptWhereItsBitmapBugBites(@TempDir Path dir) throws IOException {
    Layout layout = Layout.dynamic(FIVE_MIB_AND_A_SECTOR, 2 * MIB);
    Random random = new Random(17);
    byte[] disk = new byte[Math.toIntExact(layout.size())];
    Path base = layout.create(dir.resolve("base.vhd"));
    OurWriter.write(base, OurWriter.unalignedWrites(layout.size(), layout.blockSize(), random), disk);
    Path child = OurWriter.createChild(base, dir.resolve("child.vhd"));
    OurWriter.write(child, OurWriter.unalignedWrites(layout.size(), layout.blockSize(), random), disk);
    Path grandchild = OurWriter.createChild(child, dir.resolve("grandchild.vhd"));
    OurWriter.write(grandchild, OurWriter.unalignedWrites(layout.size(), layout.blockSize(), random), disk);

    BitSet misread;
    try (VirtualDisk ours = OurReader.resolved(grandchild, VhdOptions.defaults())) {
      assertSameBytes("our resolved read vs the writes", OurReader.readAll(ours), disk);
      misread = LibvhdiBitmapBug.misreadSectors(ours);
    }
    Path raw = dir.resolve("libvhdi.raw");
    Libvhdi.Reading reading = Libvhdi.read(grandchild, raw);
    byte[] theirs = Files.readAllBytes(raw);
    assertThat(reading.mediaSize()).isEqualTo(layout.size());
    assertThat(theirs).hasSize(disk.length);

    int hidden = 0;
    for (int sector = 0; sector < disk.length / SECTOR; sector++) {
      int from = sector * SECTOR;
      if (misread.get(sector)) {
        assertThat(OurWriter.isZero(theirs, from, from + SECTOR)).as("libvhdi reads zeros at misread sector %d", sector).isTrue();
        hidden += OurWriter.isZero(disk, from, from + SECTOR) ? 0 : 1;
      } else {
        assertThat(Arrays.equals(theirs, from, from + SECTOR, disk, from, from + SECTOR))
            .as("libvhdi reads sector %d as we do (%d sectors excluded for its bitmap bug)", sector, misread.cardinality())
            .isTrue();
      }
    }
    assertThat(hidden).as("sectors whose ancestor data the bug hides (of %s misread): the exclusion is needed", misread).isPositive();
  }

  /** A {@code diff} child of A towards B (4 KiB-aligned differences) reads as B in libvhdi, over A. */
  @Test
  void libvhdiReadsDiffChildAsTheSecondImage(@TempDir Path dir) throws IOException {
    long size = FIVE_MIB_AND_A_SECTOR;
    Random random = new Random(23);
    List<Write> common = OurWriter.unalignedWrites(size, 2 * MIB, random);
    byte[] diskA = new byte[Math.toIntExact(size)];
    Path a = OurWriter.createDynamic(dir.resolve("a.vhd"), size, 2 * MIB);
    OurWriter.write(a, common, diskA);
    byte[] diskB = new byte[Math.toIntExact(size)];
    Path b = OurWriter.createDynamic(dir.resolve("b.vhd"), size, 512 * 1024);
    OurWriter.write(b, common, diskB);
    OurWriter.write(b, OurWriter.alignedWrites(size, 2 * MIB, random, diskB), diskB);

    Path child = dir.resolve("b-from-a.vhd");
    long differing = ChainOperations.diff(STORE, Location.of(a), Location.of(b), Location.of(child), VhdOptions.defaults());
    assertThat(differing).as("sectors where A and B differ").isEqualTo(differingSectors(diskA, diskB)).isPositive();
    assertLibvhdiReadsAlike(child, diskB, "b-from-a.vhd", "a.vhd");
  }

  /**
   * blktap's level3 chain flattened by {@code convert} into one dynamic image: QEMU and libvhdi read
   * the fixture's expected disk, all 8 MiB of it (not CHS-exact: 240/4/17 holds 8,355,840 bytes).
   */
  @Test
  void convertedBlktapChainReadsAlikeInQemuAndLibvhdi(@TempDir Path dir) throws IOException {
    Qemu.requireTools();
    String expected = Fixtures.blktapSha256("level3");
    Path image = dir.resolve("level3-dynamic.vhd");
    try (VirtualDisk source = OurReader.resolved(Fixtures.blktap("level3"), VhdOptions.defaults());
        LocalFile file = LocalFile.create(image)) {
      ChainOperations.convert(source, DiskType.DYNAMIC, file);
    }
    byte[] ours = OurReader.readAll(image, VhdOptions.defaults());
    assertThat(Fixtures.sha256(ours)).as("our read of the converted image vs expected/SHA256SUMS").isEqualTo(expected);
    assertSoundInQemu(image);

    byte[] atCurrentSize = Files.readAllBytes(Qemu.convertToRawAtCurrentSize(image, dir.resolve("current-size.raw")));
    assertThat(Fixtures.sha256(atCurrentSize)).as("qemu-img convert with force_size_calc=current_size").isEqualTo(expected);

    byte[] qemu = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));
    assertThat(Fixtures.sha256(qemu)).as("qemu-img convert -f vpc, at the current size").isEqualTo(expected);

    Libvhdi.Reading theirs = Libvhdi.read(image);
    assertThat(theirs.mediaSize()).isEqualTo(8L * MIB);
    assertThat(theirs.sha256()).as("libvhdi's read of the converted image").isEqualTo(expected);
  }

  /**
   * blktap's level3 chain written as fragments (blocks dealt to three files, in reverse order) and
   * joined, as the Spark write joins its tasks' files: QEMU and libvhdi read the fixture's expected disk.
   */
  @Test
  void joinedFragmentsReadAlikeInQemuAndLibvhdi(@TempDir Path dir) throws IOException {
    Qemu.requireTools();
    String expected = Fixtures.blktapSha256("level3");
    Path image = dir.resolve("level3-joined.vhd");
    try (VirtualDisk source = OurReader.resolved(Fixtures.blktap("level3"), VhdOptions.defaults())) {
      ImageSpec spec = ImageSpec.dynamic(source.size()).withBlockSize(source.sectorsPerBlock() * 512);
      List<FragmentWriter> writers = new ArrayList<>();
      List<LocalFile> files = new ArrayList<>();
      for (int f = 0; f < 3; f++) {
        files.add(LocalFile.create(dir.resolve(".fragment-" + f)));
        writers.add(new FragmentWriter(files.get(f), spec));
      }
      ByteBuffer bitmap = ByteBuffer.allocate(VhdFormat.bitmapBytes(spec.blockSize()));
      Bits.setRange(bitmap.array(), 0, spec.sectorsPerBlock());
      ByteBuffer data = ByteBuffer.allocate(spec.blockSize());
      for (int block = source.blockCount() - 1; block >= 0; block--) {
        source.read((long) block * spec.blockSize(), data.clear());
        writers.get(block % 3).addBlock(block, bitmap.clear(), data.flip());
      }
      FragmentedImage joined = FragmentedImage.of(spec, writers.stream().map(FragmentWriter::blocks).toList());
      try (LocalFile out = LocalFile.create(image)) {
        joined.copy(files, out, 1 << 20);
      }
      for (LocalFile file : files) {
        file.close();
      }
    }
    assertThat(Fixtures.sha256(OurReader.readAll(image, VhdOptions.defaults()))).isEqualTo(expected);
    assertSoundInQemu(image);
    byte[] qemu = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));
    assertThat(Fixtures.sha256(qemu)).as("qemu-img convert -f vpc, at the current size").isEqualTo(expected);
    assertThat(Libvhdi.read(image).sha256()).as("libvhdi's read of the joined image").isEqualTo(expected);
  }

  /**
   * libvhdi reads {@code image} as {@code expected}, resolving the chain through the named files, and
   * reports the identity we wrote; the bitmaps leave its bitmap bug nothing to misread.
   */
  private static void assertLibvhdiReadsAlike(Path image, byte[] expected, String... layerNames) throws IOException {
    try (VirtualDisk ours = OurReader.resolved(image, VhdOptions.defaults())) {
      assertSameBytes(image.getFileName() + ": our resolved read vs the writes", OurReader.readAll(ours), expected);
      assertThat(ours.chain().layers()).extracting(layer -> layer.location().fileName()).containsExactly(layerNames);
      assertThat(LibvhdiBitmapBug.misreadSectors(ours).toString()).as("%s: sectors libvhdi's bitmap bug could misread",
          image.getFileName()).isEqualTo("{}");
      assertSameIdentityInVhdiinfo(image, ours.chain());
    }
    Libvhdi.Reading theirs = Libvhdi.read(image);
    assertThat(theirs.layers()).extracting(path -> path.getFileName().toString()).containsExactly(layerNames);
    assertThat(theirs.mediaSize()).as("%s: libvhdi's media size", image.getFileName()).isEqualTo(expected.length);
    assertThat(theirs.sha256()).as("%s: sha256 of libvhdi's read vs of the writes", image.getFileName())
        .isEqualTo(Fixtures.sha256(expected));
  }

  private static void assertSameIdentityInVhdiinfo(Path image, VhdChain chain) {
    Map<String, String> info = Libvhdi.info(image);
    VhdImage ours = chain.image();
    String context = image.getFileName() + ": vhdiinfo said " + info;
    assertThat(Libvhdi.bytes(info.get("Media size"))).as(context).isEqualTo(ours.virtualSize());
    assertThat(UUID.fromString(info.get("Identifier"))).as(context).isEqualTo(ours.footer().uniqueId());
    if (ours.isDifferencing()) {
      VhdChain.Layer parent = chain.layers().get(1);
      assertThat(UUID.fromString(info.get("Parent identifier"))).as(context)
          .isEqualTo(ours.header().orElseThrow().parentUniqueId())
          .isEqualTo(parent.image().footer().uniqueId());
      assertThat(info.get("Parent filename")).as(context).isEqualTo(parent.location().fileName());
    } else {
      assertThat(info).as(context).doesNotContainKey("Parent identifier");
    }
  }

  /**
   * {@code qemu-img check} clean or not offered; {@code qemu-img map} (QEMU's reading of the BAT, at the
   * current size) lays every block after the metadata, before the footer, apart from the others and
   * where our BAT says, and reports every other extent as zeros.
   */
  private static void assertSoundInQemu(Path image) throws IOException {
    ExternalTools.Result check = Qemu.check(image);
    if (check.exitCode() == 0) {
      assertThat(check.stdout()).as(check.describe()).contains("No errors were found").doesNotContainIgnoringCase("leak");
    } else {
      assertThat(check.exitCode()).as("qemu-img check fails only for want of a vpc check\n%s", check.describe())
          .isEqualTo(QEMU_CHECK_NOT_SUPPORTED);
      assertThat(check.stderr()).as(check.describe()).contains("does not support checks");
    }

    long fileSize = Files.size(image);
    try (VhdChain chain = OurReader.imageOnly(image, VhdOptions.defaults())) {
      VhdImage ours = chain.image();
      int blockSize = ours.blockSize();
      int bitmapBytes = VhdFormat.bitmapBytes(blockSize);
      Bat bat = ours.bat().orElseThrow();
      long metadataEnd = ours.header().orElseThrow().tableOffset() + Bat.sizeOnDisk(bat.size());
      String context = image.getFileName() + " (" + fileSize + " bytes)";

      List<Qemu.Extent> extents = Qemu.mapAtCurrentSize(image);
      TreeMap<Long, Integer> blocksByOffset = new TreeMap<>();
      long at = 0;
      for (Qemu.Extent extent : extents) {
        assertThat(extent.start()).as("%s: qemu-img map extents follow each other: %s", context, extent).isEqualTo(at);
        at += extent.length();
        if (!extent.data()) {
          assertThat(extent.zero()).as("%s: an extent without data reads as zeros: %s", context, extent).isTrue();
          continue;
        }
        int block = Math.toIntExact(extent.start() / blockSize);
        assertThat(extent.start() % blockSize).as("%s: %s starts a block", context, extent).isZero();
        assertThat(extent.length()).as("%s: %s", context, extent).isEqualTo(Math.min(blockSize, ours.virtualSize() - extent.start()));
        assertThat(extent.offset()).as("%s: block %d's data where our BAT puts it", context, block)
            .isEqualTo(bat.bitmapOffset(block) + bitmapBytes);
        assertThat(extent.offset() - bitmapBytes).as("%s: block %d's bitmap after the BAT, sector-aligned", context, block)
            .isGreaterThanOrEqualTo(metadataEnd).matches(offset -> offset % SECTOR == 0);
        assertThat(extent.offset() + blockSize).as("%s: block %d ends before the footer", context, block)
            .isLessThanOrEqualTo(fileSize - VhdFormat.FOOTER_SIZE);
        blocksByOffset.put(extent.offset(), block);
      }
      assertThat(at).as("%s: qemu-img map covers the current size", context).isEqualTo(ours.virtualSize());
      long previousEnd = 0;
      for (Map.Entry<Long, Integer> entry : blocksByOffset.entrySet()) {
        assertThat(entry.getKey() - bitmapBytes).as("%s: block %d overlaps the block before it", context, entry.getValue())
            .isGreaterThanOrEqualTo(previousEnd);
        previousEnd = entry.getKey() + blockSize;
      }
      assertThat(blocksByOffset.values()).as("%s: the blocks QEMU finds are the blocks our BAT allocates", context)
          .containsExactlyInAnyOrderElementsOf(allocatedBlocks(ours));
    }
  }

  /** Compares sizes, then names the first differing byte (AssertJ would print megabytes). */
  private static void assertSameBytes(String what, byte[] actual, byte[] expected) {
    assertThat(actual.length).as("%s: size", what).isEqualTo(expected.length);
    int mismatch = Arrays.mismatch(actual, expected);
    assertThat(mismatch).as("%s: first differing byte (sector %d), -1 if none", what, mismatch / SECTOR).isEqualTo(-1);
  }

  private static List<Integer> allocatedBlocks(VhdImage image) {
    List<Integer> blocks = new ArrayList<>();
    for (int block = 0; block < image.blockCount(); block++) {
      if (image.isBlockAllocated(block)) {
        blocks.add(block);
      }
    }
    return blocks;
  }

  private static long differingSectors(byte[] a, byte[] b) {
    long count = 0;
    for (int from = 0; from < a.length; from += SECTOR) {
      count += Arrays.equals(a, from, from + SECTOR, b, from, from + SECTOR) ? 0 : 1;
    }
    return count;
  }

}
