package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.Finding;
import org.vhdspark.VhdException;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.FailingFile;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;
import org.vhdspark.write.RepairChange.Kind;

/**
 * {@link ChainOperations#repair}: each kind of damage a crash or another tool leaves, repaired to an
 * image {@code vhd check} accepts and that takes writes, with every data byte of the file unchanged
 * (mostly: the very file it was before the damage); and what it refuses, writing nothing.
 */
class TestImageRepair {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;
  private static final long SIZE = 8L << 20;
  private static final int BLOCK = 1 << 20;

  @TempDir
  Path dir;

  /** The case: a writer killed after writing a new block over the old end footer, before the new footer. */
  @Test
  void blockWrittenOverTheEndFooterIsCutOffAndTheFooterRestored() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    long footerOffset = intact.length - 512;
    byte[] block = random(512 + BLOCK, 3);
    try (LocalFile file = LocalFile.openForUpdate(image)) {
      file.write(footerOffset, ByteBuffer.wrap(block));
    }
    assertThat(errors(image)).singleElement().asString().contains("the footer at the end is unusable");
    assertThatThrownBy(() -> VhdWriter.open(STORE, Location.of(image), VhdOptions.defaults()))
        .isInstanceOf(VhdException.class).hasMessageContaining("the footer at the end of the image is damaged")
        .hasMessageContaining("`vhd repair`");

    List<RepairChange> changes = repair(image);

    assertThat(changes).extracting(RepairChange::kind).containsExactly(Kind.END_FOOTER, Kind.TAIL);
    assertThat(changes.get(0).offset()).isEqualTo(footerOffset);
    assertThat(changes.get(0).detail()).contains("footer field 'cookie'", "restored from the copy at offset 0");
    assertThat(changes.get(1).offset()).isEqualTo(intact.length);
    assertThat(changes.get(1).detail()).contains(String.format("%,d bytes after the last block", block.length - 512));
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
    assertWritable(image);
  }

  @Test
  void missingEndFooterIsRestoredAfterTheLastBlock() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    Files.write(image, Arrays.copyOf(intact, intact.length - 512));

    assertThat(repair(image)).extracting(RepairChange::kind).containsExactly(Kind.END_FOOTER);
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
    assertWritable(image);
  }

  @Test
  void tornTailOfAnOddSizeIsCutOff() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    byte[] torn = Arrays.copyOf(intact, intact.length + 700);
    System.arraycopy(random(700, 4), 0, torn, intact.length, 700);
    Files.write(image, torn);

    List<RepairChange> changes = repair(image);
    assertThat(changes).extracting(RepairChange::kind).containsExactly(Kind.END_FOOTER, Kind.TAIL);
    assertThat(changes.get(0).detail()).contains("the file size " + String.format("%,d", torn.length) + " is not a multiple of 512");
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
  }

  @Test
  void damagedCopyAtZeroIsRewrittenFromTheEndFooter() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    byte[] damaged = intact.clone();
    Arrays.fill(damaged, 0, 8, (byte) 0);
    Files.write(image, damaged);

    List<RepairChange> changes = repair(image);
    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(Kind.FOOTER_COPY);
      assertThat(change.offset()).isZero();
      assertThat(change.detail()).contains("was damaged (footer field 'cookie'");
    });
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
  }

  @Test
  void copyDifferingOnlyInItsTimestampIsRewritten() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    ImagePatch patch = ImagePatch.of(intact.clone()).putInt(ImagePatch.FOOTER_TIMESTAMP, 12345).sealFooter(0);
    Files.write(image, patch.bytes());
    assertThat(errors(image)).singleElement().asString().contains("differs from the footer at the end in timestamp");

    assertThat(repair(image)).singleElement().satisfies(change ->
        assertThat(change.detail()).isEqualTo("the copy at offset 0 differed from the footer at the end in timestamp; "
            + "rewritten from the footer at the end"));
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
  }

  @Test
  void footersDisagreeingAboutTheDiskAreRefused() throws IOException {
    Path image = writtenImage();
    byte[] damaged = ImagePatch.of(Files.readAllBytes(image)).putLong(ImagePatch.FOOTER_CURRENT_SIZE, SIZE / 2).sealFooter(0).bytes();
    Files.write(image, damaged);

    assertRefused(image, "not repaired: the footer at the end and its copy at offset 0 disagree on current size");
  }

  @Test
  void imageWithNeitherFooterIntactIsRefused() throws IOException {
    Path image = writtenImage();
    byte[] damaged = Files.readAllBytes(image);
    Arrays.fill(damaged, 0, 8, (byte) 0);
    Arrays.fill(damaged, damaged.length - 512, damaged.length - 504, (byte) 0);
    Files.write(image, damaged);

    assertRefused(image, "not repaired: it cannot be opened (footer field 'cookie'");
  }

  /** A block the BAT points at, cut short with the footer: its data is lost, and no footer placement brings it back. */
  @Test
  void blockRunningPastTheEndOfTheFileIsRefused() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    Files.write(image, Arrays.copyOf(intact, intact.length - 512 - BLOCK / 2));

    assertRefused(image, "not repaired: it cannot be opened (BAT field 'entry");
  }

  @Test
  void fixedImageWithADamagedFooterIsRefused() throws IOException {
    Path image = ImageBuilder.fixed(SIZE).damage(bytes -> {
      Arrays.fill(bytes, bytes.length - 512, bytes.length - 504, (byte) 0);
      return bytes;
    }).writeTo(dir.resolve("fixed.vhd"));

    assertRefused(image, "not repaired: it cannot be opened");
  }

  /** A writer stopped between moving its footer ahead and giving the unused room back: valid, but larger. */
  @Test
  void roomLeftByAStoppedWriterIsCutOff() throws IOException {
    Path image = writtenImage();
    byte[] disk = disk(image);
    long before = Files.size(image);
    // The footer moved ahead, synced, the block written: the writer stops at the sync that follows.
    FailingFile file = new FailingFile(LocalFile.openForUpdate(image), 3, 0);
    assertThatThrownBy(() -> {
      try (VhdWriter writer = VhdWriter.open(STORE, Location.of(image), VhdOptions.defaults(), file)) {
        writer.write(7L * BLOCK, ByteBuffer.wrap(random(4096, 5)));
      }
    }).isInstanceOf(FailingFile.CrashException.class);
    assertThat(Files.size(image)).isGreaterThan(before + 512 + BLOCK);
    assertThat(errors(image)).isEmpty();

    List<RepairChange> changes = repair(image);
    assertThat(changes).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(Kind.TAIL);
      assertThat(change.detail()).contains("of unused room after the last block cut off");
    });
    assertThat(Files.size(image)).isEqualTo(before);
    assertThat(disk(image)).isEqualTo(disk);
    assertWritable(image);
  }

  @Test
  void dryRunReportsTheSameChangesAndWritesNothing() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    Files.write(image, Arrays.copyOf(intact, intact.length + 1024));
    byte[] damaged = Files.readAllBytes(image);
    Path copy = Files.copy(image, dir.resolve("copy.vhd"));

    List<RepairChange> planned = ChainOperations.planRepair(STORE, Location.of(image));

    assertThat(Files.readAllBytes(image)).isEqualTo(damaged);
    assertThat(planned).isNotEmpty().isEqualTo(ChainOperations.repair(STORE, Location.of(copy)));
  }

  @Test
  void intactImagesNeedNothing() throws IOException {
    Path image = writtenImage();
    byte[] intact = Files.readAllBytes(image);
    assertThat(repair(image)).isEmpty();
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
    Path fixed = ImageBuilder.fixed(SIZE).writeTo(dir.resolve("fixed.vhd"));
    assertThat(repair(fixed)).isEmpty();
  }

  /** Real blktap images, with batmaps and 4 KiB-aligned blocks: nothing to repair in any of them. */
  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapImagesNeedNothing(String level) throws IOException {
    Path image = Files.copy(Fixtures.blktap(level), dir.resolve(level + ".vhd"));
    image.toFile().setWritable(true);
    assertThat(repair(image)).isEmpty();
    assertThat(Files.readAllBytes(image)).isEqualTo(Files.readAllBytes(Fixtures.blktap(level)));
  }

  @Test
  void batmapMarkingAPartialBlockFullIsMadeTrue() throws IOException {
    ImageBuilder tap = tapImage();
    byte[] bytes = tap.toBytes();
    ImagePatch.of(bytes).batmapFull(1);
    Path image = Files.write(dir.resolve("tap.vhd"), bytes);
    assertThat(errors(image)).singleElement().asString().contains("the batmap marks 1 block(s) full whose bitmaps lack sectors");

    assertThat(repair(image)).singleElement().satisfies(change -> {
      assertThat(change.kind()).isEqualTo(Kind.BATMAP);
      assertThat(change.detail()).isEqualTo("it marked 1 block(s) full that are not (first: block 1); "
          + "marks kept only for full blocks, the checksum rewritten");
    });
    assertThat(errors(image)).isEmpty();
    assertThat(Files.readAllBytes(image)).isEqualTo(tap.toBytes());
  }

  @Test
  void batmapWithAWrongChecksumIsResealed() throws IOException {
    ImageBuilder tap = tapImage();
    byte[] bytes = tap.toBytes();
    ImagePatch patch = ImagePatch.of(bytes);
    patch.putInt(patch.batmapOffset() + ImagePatch.BATMAP_CHECKSUM, 0);
    Path image = Files.write(dir.resolve("tap.vhd"), bytes);
    assertThat(errors(image)).singleElement().asString().contains("batmap header field 'checksum'");

    assertThat(repair(image)).singleElement().satisfies(change ->
        assertThat(change.detail()).startsWith("its checksum was wrong (expected 0x"));
    assertThat(errors(image)).isEmpty();
    assertThat(Files.readAllBytes(image)).isEqualTo(tap.toBytes());
  }

  @Test
  void damagedBatmapHeaderIsRefused() throws IOException {
    byte[] bytes = tapImage().toBytes();
    ImagePatch patch = ImagePatch.of(bytes);
    patch.putInt(patch.batmapOffset() + ImagePatch.BATMAP_VERSION, 0x00020000);
    Path image = Files.write(dir.resolve("tap.vhd"), bytes);

    assertRefused(image, "not repaired: the batmap header is damaged (batmap header field 'version'");
  }

  /** Only the image is opened: a child whose parent is nowhere to be found is repaired all the same. */
  @Test
  void differencingChildIsRepairedWithoutItsParent() throws IOException {
    ImageBuilder child = ImageBuilder.differencing(SIZE, java.util.UUID.randomUUID(), "gone.vhd").blockSize(BLOCK)
        .write(3000, random(512 * 20, 6));
    byte[] intact = child.toBytes();
    Path image = Files.write(dir.resolve("child.vhd"), Arrays.copyOf(intact, intact.length - 512));

    assertThat(repair(image)).extracting(RepairChange::kind).containsExactly(Kind.END_FOOTER);
    assertThat(Files.readAllBytes(image)).isEqualTo(intact);
  }

  /** Our image: 8 MiB, 1 MiB blocks, three of them written. */
  private Path writtenImage() throws IOException {
    Location location = Location.of(dir.resolve("image.vhd"));
    AtomicOutput.write(STORE, location, file -> {
      ImageCreator.create(file, ImageSpec.dynamic(SIZE).withBlockSize(BLOCK));
      return null;
    });
    try (VhdWriter writer = VhdWriter.open(STORE, location, VhdOptions.defaults())) {
      writer.write(100, ByteBuffer.wrap(random(3000, 1)));
      writer.write(5L * BLOCK - 512, ByteBuffer.wrap(random(4096, 2)));
    }
    assertThat(errors(location.toPath())).isEmpty();
    return location.toPath();
  }

  /** A blktap image with a batmap: block 0 full (and marked so), block 1 partial, the rest unallocated. */
  private static ImageBuilder tapImage() {
    return ImageBuilder.dynamic(SIZE).blockSize(BLOCK).withBatmap().alignBlocks()
        .write(0, random(BLOCK, 7)).write(BLOCK / 512 + 10, random(512 * 3, 8))
        .damage(bytes -> ImagePatch.of(bytes).batmapFull(0).bytes());
  }

  private static List<RepairChange> repair(Path image) throws IOException {
    return ChainOperations.repair(STORE, Location.of(image));
  }

  private static void assertRefused(Path image, String message) throws IOException {
    byte[] before = Files.readAllBytes(image);
    assertThatThrownBy(() -> repair(image)).isInstanceOf(VhdException.class).hasMessageContaining(message);
    assertThatThrownBy(() -> ChainOperations.planRepair(STORE, Location.of(image))).hasMessageContaining(message);
    assertThat(Files.readAllBytes(image)).as("nothing written").isEqualTo(before);
  }

  /** The repaired image takes a write that reads back, and stays valid. */
  private static void assertWritable(Path image) throws IOException {
    byte[] expected = disk(image);
    byte[] data = random(5000, 9);
    try (VhdWriter writer = VhdWriter.open(STORE, Location.of(image), VhdOptions.defaults())) {
      writer.write(6L * BLOCK + 77, ByteBuffer.wrap(data));
    }
    System.arraycopy(data, 0, expected, 6 * BLOCK + 77, data.length);
    assertThat(disk(image)).isEqualTo(expected);
    assertThat(errors(image)).isEmpty();
  }

  private static List<Finding> errors(Path image) throws IOException {
    return new ImageChecker(STORE, VhdOptions.defaults()).check(Location.of(image)).stream()
        .filter(finding -> finding.severity() == Finding.Severity.ERROR).toList();
  }

  private static byte[] disk(Path image) throws IOException {
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, Location.of(image), VhdOptions.defaults()))) {
      ByteBuffer all = ByteBuffer.allocate((int) disk.size());
      disk.read(0, all);
      return all.array();
    }
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
