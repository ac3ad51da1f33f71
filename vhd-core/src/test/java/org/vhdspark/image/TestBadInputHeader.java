package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.image.TestBadInputSupport.BLOCK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.DISK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.allocatedBytes;
import static org.vhdspark.image.TestBadInputSupport.assertFormatError;
import static org.vhdspark.image.TestBadInputSupport.assertOpenFails;
import static org.vhdspark.image.TestBadInputSupport.detail;
import static org.vhdspark.image.TestBadInputSupport.hex32;
import static org.vhdspark.image.TestBadInputSupport.lenient;
import static org.vhdspark.image.TestBadInputSupport.open;
import static org.vhdspark.image.TestBadInputSupport.readAll;
import static org.vhdspark.image.TestBadInputSupport.sectors;
import static org.vhdspark.image.TestBadInputSupport.warnings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.io.ReadSource;
import org.vhdspark.testing.ImageBuilder;

/** Cases 5 to 8 of the bad-input list (docs/bad-input.md): the dynamic header and where the BAT lies. */
class TestBadInputHeader {
  private static final long HEADER = ImagePatch.HEADER_OFFSET;
  private static final long BAT = 1536;
  private static final int ENTRIES = (int) (DISK_SIZE / BLOCK_SIZE);

  /** 16 blocks, none allocated: footer copy, header, BAT, footer (2,560 bytes). */
  private static byte[] image() throws IOException {
    return ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
  }

  // Case 5: header cookie, version, checksum, data offset.

  @Test
  void headerCookieNotCxsparseFails() throws IOException {
    byte[] image = ImagePatch.of(image()).put(HEADER, "cxsparsX".getBytes(StandardCharsets.US_ASCII)).bytes();

    assertOpenFails(image, "dynamic header", "cookie", HEADER, "\"cxsparse\"", "\"cxsparsX\"");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 0x00010001, 0x00020000})
  void headerVersionNot10Fails(int version) throws IOException {
    byte[] image = ImagePatch.of(image()).headerInt(ImagePatch.HEADER_VERSION, version).bytes();

    assertOpenFails(image, "dynamic header", "header version", HEADER + 24, "0x00010000", hex32(version));
  }

  @Test
  void wrongHeaderChecksumFailsByDefault() throws IOException {
    ImagePatch patch = ImagePatch.of(image());
    int stored = patch.getInt(HEADER + ImagePatch.HEADER_CHECKSUM);
    patch.putInt(HEADER + ImagePatch.HEADER_CHECKSUM, stored - 1);

    assertOpenFails(patch.bytes(), "dynamic header", "checksum", HEADER + 36, hex32(stored), hex32(stored - 1));
  }

  @Test
  void wrongHeaderChecksumIsAWarningWithVerificationOff() throws IOException {
    ImagePatch patch = ImagePatch.of(ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).write(9, sectors(1, 9)).toBytes());
    int stored = patch.getInt(HEADER + ImagePatch.HEADER_CHECKSUM);
    patch.putInt(HEADER + 800, 0x01020304); // reserved bytes changed: the sum no longer matches

    try (VhdImage opened = open(patch.bytes(), lenient())) {
      int computed = stored - (1 + 2 + 3 + 4);
      assertThat(warnings(opened)).containsExactly(
          detail("dynamic header", "checksum", HEADER + 36, hex32(computed), hex32(stored)) + " (ignored: checksum verification is off)",
          "dynamic header reserved bytes are not zero");
      assertThat(Arrays.copyOfRange(readAll(opened), 9 * 512, 10 * 512)).isEqualTo(sectors(1, 9));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 512, 0x7FFFFFFFFFFFFFFFL, 0xFFFFFFFF00000000L})
  void headerDataOffsetNotAllOnesFails(long dataOffset) throws IOException {
    byte[] image = ImagePatch.of(image()).headerLong(ImagePatch.HEADER_DATA_OFFSET, dataOffset).bytes();

    assertOpenFails(image, "dynamic header", "data offset", HEADER + 8, "0xFFFFFFFFFFFFFFFF",
        "0x" + Long.toHexString(dataOffset).toUpperCase(java.util.Locale.ROOT));
  }

  @Test
  void headerDataOffsetOf32OnesIsAWarning() throws IOException {
    // The specification's text says 0xFFFFFFFF for this 8-byte field; some writers followed it.
    byte[] image = ImagePatch.of(image()).headerLong(ImagePatch.HEADER_DATA_OFFSET, 0xFFFFFFFFL).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly(
          "dynamic header data offset is 0xFFFFFFFF, not all ones (the specification's known error)");
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 256, 513, 2048, -1})
  void footerDataOffsetNotPointingAtAHeaderFails(long dataOffset) throws IOException {
    ImagePatch patch = ImagePatch.of(image()).footerLong(ImagePatch.FOOTER_DATA_OFFSET, dataOffset);

    assertOpenFails(patch.bytes(), "footer", "data offset", patch.endFooterOffset() + 16,
        "a sector-aligned dynamic header offset from 512 to 1024", Long.toUnsignedString(dataOffset));
  }

  // Case 6: block size.

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 256, 511, 3000, 4097, 0x7FFFFFFF, 512 << 20, 0x80000000, 0xFFFFFFFF})
  void blockSizeZeroNotPowerOfTwoTooSmallOrAbsurdFails(int blockSize) throws IOException {
    byte[] image = ImagePatch.of(image()).headerInt(ImagePatch.HEADER_BLOCK_SIZE, blockSize).bytes();

    assertOpenFails(image, "dynamic header", "block size", HEADER + 32, "a power of two from 512 bytes to 256 MiB",
        Integer.toUnsignedString(blockSize));
  }

  // Case 7: max table entries.

  @Test
  void maxTableEntriesTooLargeForTheFileFailsWithoutAllocating() throws IOException {
    byte[] image = ImagePatch.of(image()).headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, 0x7FFFFFFF).bytes();

    long before = allocatedBytes();
    assertOpenFails(image, "dynamic header", "max table entries", HEADER + 28,
        "a BAT of 2147483647 entries inside the file (2048 bytes before the footer)",
        "a BAT at offset 1536 with 2147483647 entries");
    // QEMU CVE-2014-0144: the table must not be allocated from the header's word.
    assertThat(allocatedBytes() - before).isLessThan(1 << 20);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x80000000, 0xFFFFFFFF})
  void maxTableEntriesAbove31BitsFails(int entries) throws IOException {
    byte[] image = ImagePatch.of(image()).headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, entries).bytes();

    assertOpenFails(image, "dynamic header", "max table entries", HEADER + 28, "at most 2147483647",
        Integer.toUnsignedString(entries));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, ENTRIES - 1})
  void maxTableEntriesTooSmallForTheSizeFails(int entries) throws IOException {
    byte[] image = ImagePatch.of(image()).headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, entries).bytes();

    assertOpenFails(image, "dynamic header", "max table entries", HEADER + 28,
        "at least " + ENTRIES + " (disk size / block size)", Integer.toString(entries));
  }

  @Test
  void currentSizeBeyondWhatTheTableCoversFails() throws IOException {
    ImagePatch patch = ImagePatch.of(image()).footerLong(ImagePatch.FOOTER_CURRENT_SIZE, DISK_SIZE + 512);

    assertOpenFails(patch.bytes(), "dynamic header", "max table entries", HEADER + 28,
        "at least " + (ENTRIES + 1) + " (disk size / block size)", Integer.toString(ENTRIES));
  }

  @Test
  void moreTableEntriesThanTheSizeNeedsIsAWarning() throws IOException {
    // Room for 128 entries in the BAT's one sector: a table made for a disk that may grow (vhd-util create -S).
    byte[] image = ImagePatch.of(image()).headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, 128).bytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("max table entries 128 exceeds the 16 the disk size needs; extra entries ignored");
      assertThat(opened.blockCount()).isEqualTo(ENTRIES);
    }
  }

  @Test
  void chsSizeBeyondWhatTheTableCoversFails() throws IOException {
    // With CHS sizing the disk is cylinders x heads x sectors: here 65535 x 255 x 255 sectors, a block each.
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(512).toBytes();
    ImagePatch.of(image).footerInt(ImagePatch.FOOTER_GEOMETRY, 0xFFFF_FF_FF);

    assertFormatError(() -> open(image, VhdOptions.defaults().withSizeFromChs()).close(), "dynamic header",
        "max table entries", HEADER + 28, "at least 4261413375 (disk size / block size)", "128");
  }

  @Test
  void chsSizeWithinTheTableIsReadWithoutWarnings() throws IOException {
    // The specification's CHS for 64 KiB is 1 x 4 x 17 sectors (34,816 bytes): nine 4 KiB blocks of the table.
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).write(60, sectors(8, 0x60)).toBytes();

    try (VhdImage opened = open(image, VhdOptions.defaults().withSizeFromChs())) {
      assertThat(opened.virtualSize()).isEqualTo(34_816);
      assertThat(opened.blockCount()).isEqualTo(9);
      assertThat(opened.findings()).isEmpty();
      assertThat(Arrays.copyOfRange(readAll(opened), 60 * 512, 68 * 512)).isEqualTo(sectors(8, 0x60));
    }
  }

  @Test
  void tableOfMoreThan64MiBlocksFailsWithoutAllocating() throws IOException {
    // 64 GiB in 512-byte blocks: 128 Mi entries, whose 512 MiB table the file holds. More than any sane
    // image needs (2040 GiB takes 1 Mi blocks of 2 MiB), and more than a reader should allocate.
    int entries = 128 << 20;
    ImagePatch patch = ImagePatch.of(ImageBuilder.dynamic(DISK_SIZE).blockSize(512).toBytes())
        .footerLong(ImagePatch.FOOTER_CURRENT_SIZE, 64L << 30)
        .headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, entries);
    long size = BAT + 4L * entries + 512;
    ReadSource file = new TestBadInputSupport.HeadAndTail(Arrays.copyOf(patch.bytes(), 1536),
        Arrays.copyOfRange(patch.bytes(), (int) patch.endFooterOffset(), patch.bytes().length), size);

    long before = allocatedBytes();
    assertFormatError(() -> VhdImage.open(file, VhdOptions.defaults()).close(), "dynamic header", "block size", HEADER + 32,
        "a block size giving at most 67108864 blocks for this disk", "512 bytes");
    assertThat(allocatedBytes() - before).isLessThan(1 << 20);
  }

  // Case 8: table offset.

  @Test
  void tableOffsetZeroFails() throws IOException {
    byte[] image = ImagePatch.of(image()).headerLong(ImagePatch.HEADER_TABLE_OFFSET, 0).bytes();

    assertOpenFails(image, "dynamic header", "table offset", HEADER + 16, "a non-zero multiple of 512", "0x0");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 1537, 2047, -512})
  void tableOffsetUnalignedOrNegativeFails(long offset) throws IOException {
    byte[] image = ImagePatch.of(image()).headerLong(ImagePatch.HEADER_TABLE_OFFSET, offset).bytes();

    assertOpenFails(image, "dynamic header", "table offset", HEADER + 16, "a non-zero multiple of 512",
        "0x" + Long.toHexString(offset).toUpperCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(longs = {2048, 2560, 1L << 40, 0x7FFFFFFFFFFFFE00L})
  void tablePastTheEndOfTheFileFails(long offset) throws IOException {
    byte[] image = ImagePatch.of(image()).headerLong(ImagePatch.HEADER_TABLE_OFFSET, offset).bytes();

    assertOpenFails(image, "dynamic header", "table offset", HEADER + 16,
        "a BAT of 16 entries inside the file (2048 bytes before the footer)", "a BAT at offset " + offset + " with 16 entries");
  }

  @Test
  void tableRunningIntoTheFooterFails() throws IOException {
    // 384 entries fit the 1,536 bytes before the footer only from offset 512; at 1024 the BAT runs into the footer.
    byte[] image = ImagePatch.of(image())
        .headerInt(ImagePatch.HEADER_MAX_TABLE_ENTRIES, 384)
        .headerLong(ImagePatch.HEADER_TABLE_OFFSET, 1024).bytes();

    assertOpenFails(image, "dynamic header", "table offset", HEADER + 16,
        "a BAT of 384 entries inside the file (2048 bytes before the footer)", "a BAT at offset 1024 with 384 entries");
  }
}
