package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.image.TestBadInputSupport.BLOCK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.DISK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.assertOpenFails;
import static org.vhdspark.image.TestBadInputSupport.detail;
import static org.vhdspark.image.TestBadInputSupport.hex32;
import static org.vhdspark.image.TestBadInputSupport.open;
import static org.vhdspark.image.TestBadInputSupport.readAll;
import static org.vhdspark.image.TestBadInputSupport.sectors;
import static org.vhdspark.image.TestBadInputSupport.warnings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.testing.ImageBuilder;

/** Cases 9, 10 and 13 of the bad-input list (docs/bad-input.md): BAT entries, BAT padding, the batmap. */
class TestBadInputBlocks {
  private static final long BAT = 1536;
  /** Bitmap sector and data of a 4 KiB block. */
  private static final int BLOCK_BYTES = 512 + BLOCK_SIZE;

  /** Blocks 0, 2 and 5 allocated, at sectors 4, 13 and 22; the footer at 15,872. */
  private static ImageBuilder dynamic() {
    return ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE)
        .write(0, sectors(1, 0x10)).write(16, sectors(8, 0x22)).write(43, sectors(2, 0x55));
  }

  private static byte[] expectedDisk() throws IOException {
    try (VhdImage valid = open(dynamic().toBytes())) {
      return readAll(valid);
    }
  }

  // Case 9: where a BAT entry puts its block.

  @ParameterizedTest
  @ValueSource(ints = {31, 30, 0x7FFFFFFF, 0xFFFFFFFE})
  void blockRunningPastTheEndOfTheFileFails(int sector) throws IOException {
    byte[] image = ImagePatch.of(dynamic().toBytes()).batEntry(5, sector).bytes();
    assertThat(image.length - 512).isEqualTo(15_872);

    assertOpenFails(image, "BAT", "entry 5", BAT + 20, "a block of 4608 bytes ending before the footer at 15872",
        "bitmap at offset " + (Integer.toUnsignedLong(sector) << 9));
  }

  @Test
  void blockOverTheFooterCopyFails() throws IOException {
    byte[] image = ImagePatch.of(dynamic().toBytes()).batEntry(2, 0).bytes();

    assertOpenFails(image, "BAT", "entry 2", BAT + 8, "a block clear of the footer copy at [0, 512)", "a block at [0, 4608)");
  }

  @Test
  void blockOverTheHeaderFails() throws IOException {
    byte[] image = ImagePatch.of(dynamic().toBytes()).batEntry(2, 1).bytes();

    assertOpenFails(image, "BAT", "entry 2", BAT + 8, "a block clear of the dynamic header at [512, 1536)",
        "a block at [512, 5120)");
  }

  @Test
  void blockOverTheBatFails() throws IOException {
    byte[] image = ImagePatch.of(dynamic().toBytes()).batEntry(0, 3).bytes();

    assertOpenFails(image, "BAT", "entry 0", BAT, "a block clear of the BAT at [1536, 2048)", "a block at [1536, 6144)");
  }

  @Test
  void blockOverAParentLocatorFails() throws IOException {
    // Locator payloads at 2048, 2560 and 3072 (24, 24 and 19 bytes); blocks from 3584.
    ImagePatch patch = ImagePatch.of(ImageBuilder.differencing(DISK_SIZE, UUID.randomUUID(), "parent.vhd")
        .blockSize(BLOCK_SIZE).write(8, sectors(1, 1)).toBytes());
    assertThat(patch.locatorDataOffset(1)).isEqualTo(2560);
    patch.batEntry(1, 5);

    assertOpenFails(patch.bytes(), "BAT", "entry 1", BAT + 4, "a block clear of the parent locator 1 at [2560, 2584)",
        "a block at [2560, 7168)");
  }

  @Test
  void blockOverTheBatmapFails() throws IOException {
    // The batmap header at 2048 and its map at 2560; blocks from 3072.
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).batEntry(5, 5).bytes();

    assertOpenFails(image, "BAT", "entry 5", BAT + 20, "a block clear of the batmap at [2560, 3072)", "a block at [2560, 7168)");
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 5, 12, 21})
  void blocksOverlappingEachOtherFail(int sector) throws IOException {
    // Block 0 sits at sector 4 ([2048, 6656)); block 2 moved to overlap it.
    byte[] image = ImagePatch.of(dynamic().toBytes()).batEntry(2, sector).bytes();

    if (sector <= 12) {
      assertOpenFails(image, "BAT", "entry 2", BAT + 8, "a block clear of block 0 at [2048, 6656)",
          "a block at offset " + sector * 512);
    } else {
      // Block 5 sits at sector 22 ([11264, 15872)); block 2 at 21 overlaps it from below.
      assertOpenFails(image, "BAT", "entry 5", BAT + 20, "a block clear of block 2 at [10752, 15360)",
          "a block at offset 11264");
    }
  }

  // Case 10: BAT padding.

  @ParameterizedTest
  @ValueSource(ints = {16, 17, 127})
  void batPaddingNotAllOnesIsAWarning(int entry) throws IOException {
    byte[] image = ImagePatch.of(dynamic().toBytes()).batEntry(entry, 7).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("BAT padding entry " + entry + " at offset " + (BAT + 4L * entry)
          + " is neither 0xFFFFFFFF nor 0");
      assertThat(readAll(opened)).isEqualTo(expectedDisk());
    }
  }

  @Test
  void batPaddedWithZerosAsBlktapWritesIsAccepted() throws IOException {
    ImagePatch patch = ImagePatch.of(dynamic().toBytes());
    for (int entry = 16; entry < 128; entry++) {
      patch.batEntry(entry, 0);
    }
    try (VhdImage opened = open(patch.bytes())) {
      assertThat(warnings(opened)).isEmpty();
      assertThat(readAll(opened)).isEqualTo(expectedDisk());
    }
  }

  // Case 13: the blktap batmap (header at 2048, map at 2560).

  @Test
  void validBatmapIsUsed() throws IOException {
    try (VhdImage opened = open(dynamic().withBatmap().toBytes())) {
      assertThat(opened.findings()).isEmpty();
      assertThat(opened.batmap()).isPresent();
      assertThat(opened.batmap().get().isFull(2)).isTrue();
      assertThat(readAll(opened)).isEqualTo(expectedDisk());
    }
  }

  @Test
  void batmapWithABadCookieIsIgnored() throws IOException {
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).put(2048, "tdbatmaX".getBytes(StandardCharsets.US_ASCII)).bytes();

    assertBatmapIgnored(image, detail("batmap header", "cookie", 2048, "\"tdbatmap\"", "\"tdbatmaX\""));
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00010003, 0x00020000, 0xFFFFFFFF})
  void batmapOfAVersionAbove12IsIgnored(int version) throws IOException {
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).putInt(2048 + ImagePatch.BATMAP_VERSION, version).bytes();

    assertBatmapIgnored(image, detail("batmap header", "version", 2048 + 20, "at most 1.2", hex32(version)));
  }

  @Test
  void batmapWithAWrongChecksumIsIgnored() throws IOException {
    ImagePatch patch = ImagePatch.of(dynamic().withBatmap().toBytes());
    int stored = patch.getInt(2048 + ImagePatch.BATMAP_CHECKSUM);
    patch.putInt(2048 + ImagePatch.BATMAP_CHECKSUM, stored + 1);

    assertBatmapIgnored(patch.bytes(), detail("batmap header", "checksum", 2048 + 24, hex32(stored), hex32(stored + 1)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 0x00800000, 0x7FFFFFFF, 0xFFFFFFFF})
  void batmapOfTheWrongSizeIsIgnored(int mapSectors) throws IOException {
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).putInt(2048 + ImagePatch.BATMAP_MAP_SIZE, mapSectors).bytes();

    // 16 entries take one sector of map.
    assertBatmapIgnored(image, detail("batmap header", "map size", 2048 + 16, "1 sectors (one bit per BAT entry)",
        Integer.toUnsignedString(mapSectors)));
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00400001, 0x00800000, 0x00A00000})
  void batmapSizedByItsOwnWordInALargeFileIsIgnoredWithoutAllocating(int mapSectors) throws IOException {
    // A 6 GiB file could hold such maps; their byte counts overflow an int (negative, zero, 1 GiB).
    byte[] small = ImagePatch.of(ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).withBatmap().toBytes())
        .putInt(2048 + ImagePatch.BATMAP_MAP_SIZE, mapSectors).putInt(2048 + ImagePatch.BATMAP_CHECKSUM, -1).bytes();
    var file = new TestBadInputSupport.HeadAndTail(Arrays.copyOf(small, 3072),
        Arrays.copyOfRange(small, small.length - 512, small.length), 6L << 30);

    long before = TestBadInputSupport.allocatedBytes();
    try (VhdImage opened = VhdImage.open(file, VhdOptions.defaults())) {
      assertThat(opened.batmap()).isEmpty();
      assertThat(warnings(opened)).containsExactly("batmap ignored, bitmaps are read instead: "
          + detail("batmap header", "map size", 2048 + 16, "1 sectors (one bit per BAT entry)", Integer.toUnsignedString(mapSectors)));
    }
    assertThat(TestBadInputSupport.allocatedBytes() - before).isLessThan(1 << 20);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 2561, -512, 1L << 40, 16_896})
  void batmapAtABadOffsetIsIgnored(long mapOffset) throws IOException {
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).putLong(2048 + ImagePatch.BATMAP_MAP_OFFSET, mapOffset).bytes();

    assertBatmapIgnored(image, detail("batmap header", "map offset", 2048 + 8, "a sector-aligned map of 1 sectors inside the file",
        Long.toString(mapOffset)));
  }

  @Test
  void batmapClaimingAnUnallocatedBlockFullIsIgnored() throws IOException {
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).batmapFull(3).bytes();

    assertBatmapIgnored(image, detail("batmap", "map bit of block 3", 2560, "clear for an unallocated block", "set"));
  }

  @Test
  void batmapOfATableMadeForALargerDiskIsUsed() throws IOException {
    // vhd-util create -S: more BAT entries than the disk needs (128 still fit the BAT's one sector).
    byte[] image = ImagePatch.of(dynamic().withBatmap().toBytes()).headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, 128).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(opened.batmap()).isPresent();
      assertThat(warnings(opened)).containsExactly("max table entries 128 exceeds the 16 the disk size needs; extra entries ignored");
      assertThat(readAll(opened)).isEqualTo(expectedDisk());
    }
  }

  @Test
  void blktap11ImageWithoutBatmapIsReadWithoutWarnings() throws IOException {
    // Creator version 1.1 may or may not carry a batmap (vhd-update): its absence is no finding.
    byte[] image = dynamic().creator("tap", 0x00010001).toBytes();

    try (VhdImage opened = open(image)) {
      assertThat(opened.batmap()).isEmpty();
      assertThat(opened.findings()).isEmpty();
      assertThat(readAll(opened)).isEqualTo(expectedDisk());
    }
  }

  private static void assertBatmapIgnored(byte[] image, String why) throws IOException {
    try (VhdImage opened = open(image)) {
      assertThat(opened.batmap()).isEmpty();
      assertThat(warnings(opened)).containsExactly("batmap ignored, bitmaps are read instead: " + why);
      assertThat(readAll(opened)).isEqualTo(expectedDisk());
    }
  }
}
