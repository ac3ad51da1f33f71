package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.THROWABLE;
import static org.vhdspark.image.TestBadInputSupport.BLOCK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.DISK_SIZE;
import static org.vhdspark.image.TestBadInputSupport.assertOpenFails;
import static org.vhdspark.image.TestBadInputSupport.detail;
import static org.vhdspark.image.TestBadInputSupport.hex32;
import static org.vhdspark.image.TestBadInputSupport.lenient;
import static org.vhdspark.image.TestBadInputSupport.open;
import static org.vhdspark.image.TestBadInputSupport.readAll;
import static org.vhdspark.image.TestBadInputSupport.sectors;
import static org.vhdspark.image.TestBadInputSupport.warnings;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.testing.ImageBuilder;

/** Cases 1 to 4 and 14 of the bad-input list (docs/bad-input.md): the footer and the file's size. */
class TestBadInputFooter {
  private static final String NO_COOKIE = "\"" + "\\x00".repeat(8) + "\"";

  // Case 1: size and cookie.

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, 510})
  void fileShorterThanAFooterFails(int size) {
    assertOpenFails(new byte[size], "file", "size", 0, "at least 511 bytes (a footer)", size + " bytes");
  }

  @Test
  void fileWithoutCookieAtTheEndNorAtZeroFails() throws IOException {
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
    long end = image.length - 512;
    ImagePatch.of(image).put(end, new byte[8]).put(0, new byte[8]);

    VhdFormatException e = assertOpenFails(image, "footer", "cookie", end, "\"conectix\"", NO_COOKIE);
    assertThat(e.getSuppressed()).singleElement(THROWABLE)
        .hasMessage(TestBadInputSupport.message("footer", "cookie", 0, "\"conectix\"", NO_COOKIE));
  }

  @Test
  void fileOfZerosFails() {
    assertOpenFails(new byte[4096], "footer", "cookie", 3584, "\"conectix\"", NO_COOKIE);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100, 510})
  void fixedImageOfOddSizeFails(int extra) throws IOException {
    byte[] image = Arrays.copyOf(ImageBuilder.fixed(DISK_SIZE).toBytes(), (int) DISK_SIZE + 512 + extra);

    VhdFormatException e = assertOpenFails(image, "file", "size", 0,
        "a multiple of 512 bytes, or 512n+511 with a legacy footer", image.length + " bytes");
    // The data at 0 holds no footer copy: that is said too.
    assertThat(e.getSuppressed()).singleElement(THROWABLE).hasMessageContaining("footer field 'cookie' at offset 0");
  }

  @Test
  void sparseImageOfOddSizeFallsBackToTheFooterCopyWithAWarning() throws IOException {
    byte[] valid = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).write(3, sectors(2, 0x33)).toBytes();
    byte[] image = Arrays.copyOf(valid, valid.length + 100);

    try (VhdImage opened = open(image)) {
      assertThat(opened.footerOffset()).isZero();
      assertThat(warnings(opened)).containsExactly("footer at the end is unusable ("
          + detail("file", "size", 0, "a multiple of 512 bytes, or 512n+511 with a legacy footer", image.length + " bytes")
          + "); using the copy at offset 0");
      assertThat(Arrays.copyOfRange(readAll(opened), 3 * 512, 5 * 512)).isEqualTo(sectors(2, 0x33));
    }
  }

  @Test
  void legacy511ByteFooterOfAFixedImageIsAccepted() throws IOException {
    byte[] data = sectors(4, 0x5A);
    byte[] valid = ImageBuilder.fixed(DISK_SIZE).write(8, data).toBytes();
    // Before Virtual PC 2004 the footer lacked its last (reserved, zero) byte.
    byte[] image = Arrays.copyOf(valid, valid.length - 1);
    assertThat(image.length % 512).isEqualTo(511);

    try (VhdImage opened = open(image)) {
      assertThat(opened.footerOffset()).isEqualTo(DISK_SIZE);
      assertThat(opened.virtualSize()).isEqualTo(DISK_SIZE);
      assertThat(opened.findings()).isEmpty();
      byte[] disk = readAll(opened);
      assertThat(Arrays.copyOfRange(disk, 8 * 512, 12 * 512)).isEqualTo(data);
      assertThat(disk).hasSize((int) DISK_SIZE);
    }
  }

  // Case 2: footer checksum.

  @Test
  void wrongFooterChecksumFailsByDefault() throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).toBytes();
    ImagePatch patch = ImagePatch.of(image);
    int stored = patch.getInt(DISK_SIZE + ImagePatch.FOOTER_CHECKSUM);
    patch.putInt(DISK_SIZE + ImagePatch.FOOTER_CHECKSUM, stored + 1);

    assertOpenFails(image, "footer", "checksum", DISK_SIZE + 64, hex32(stored), hex32(stored + 1));
  }

  @Test
  void wrongChecksumOnBothFootersOfASparseImageFails() throws IOException {
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
    ImagePatch patch = ImagePatch.of(image);
    long end = patch.endFooterOffset();
    int stored = patch.getInt(end + ImagePatch.FOOTER_CHECKSUM);
    patch.putInt(end + ImagePatch.FOOTER_CHECKSUM, stored ^ 0x100).putInt(ImagePatch.FOOTER_CHECKSUM, stored ^ 0x100);

    VhdFormatException e = assertOpenFails(image, "footer", "checksum", end + 64, hex32(stored), hex32(stored ^ 0x100));
    assertThat(e.getSuppressed()).singleElement(THROWABLE).hasMessage(
        TestBadInputSupport.message("footer", "checksum", 64, hex32(stored), hex32(stored ^ 0x100)));
  }

  @Test
  void wrongFooterChecksumIsAWarningWithVerificationOff() throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).write(0, sectors(1, 7)).toBytes();
    ImagePatch patch = ImagePatch.of(image);
    int stored = patch.getInt(DISK_SIZE + ImagePatch.FOOTER_CHECKSUM);
    patch.putInt(DISK_SIZE + ImagePatch.FOOTER_CHECKSUM, ~stored);

    try (VhdImage opened = open(image, lenient())) {
      assertThat(opened.footerOffset()).isEqualTo(DISK_SIZE);
      assertThat(warnings(opened)).containsExactly(
          detail("footer", "checksum", DISK_SIZE + 64, hex32(stored), hex32(~stored)) + " (ignored: checksum verification is off)");
      assertThat(Arrays.copyOf(readAll(opened), 512)).isEqualTo(sectors(1, 7));
    }
  }

  @Test
  void damagedEndFooterFallsBackToTheCopyAtZeroWithAWarning() throws IOException {
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).write(17, sectors(3, 0x44)).toBytes();
    ImagePatch patch = ImagePatch.of(image);
    long end = patch.endFooterOffset();
    int stored = patch.getInt(end + ImagePatch.FOOTER_CHECKSUM);
    patch.putInt(end + ImagePatch.FOOTER_CURRENT_SIZE, 0x7F); // a torn write: checksum no longer matches

    try (VhdImage opened = open(image)) {
      int computed = stored - 0x7F;
      assertThat(opened.footerOffset()).isZero();
      assertThat(opened.virtualSize()).isEqualTo(DISK_SIZE);
      assertThat(warnings(opened)).containsExactly("footer at the end is unusable ("
          + detail("footer", "checksum", end + 64, hex32(computed), hex32(stored)) + "); using the copy at offset 0");
      assertThat(Arrays.copyOfRange(readAll(opened), 17 * 512, 20 * 512)).isEqualTo(sectors(3, 0x44));
    }
  }

  @Test
  void endFooterWithoutCookieFallsBackToTheCopyAtZero() throws IOException {
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
    long end = image.length - 512;
    ImagePatch.of(image).put(end, new byte[8]);

    try (VhdImage opened = open(image)) {
      assertThat(opened.footerOffset()).isZero();
      assertThat(warnings(opened)).containsExactly("footer at the end is unusable ("
          + detail("footer", "cookie", end, "\"conectix\"", NO_COOKIE) + "); using the copy at offset 0");
    }
  }

  // Case 3: disk type, data offset of fixed images, version.

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 5, 0x7FFFFFFF, -1})
  void unknownDiskTypeFails(int type) throws IOException {
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
    ImagePatch patch = ImagePatch.of(image).footerInt(ImagePatch.FOOTER_DISK_TYPE, type);

    VhdFormatException e = assertOpenFails(image, "footer", "disk type", patch.endFooterOffset() + 60,
        "2 (fixed), 3 (dynamic) or 4 (differencing)", Integer.toString(type));
    assertThat(e.getSuppressed()).singleElement(THROWABLE).hasMessageContaining("footer field 'disk type' at offset 60:");
  }

  @Test
  void fixedImageWithADataOffsetFails() throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).toBytes();
    ImagePatch.of(image).footerLong(ImagePatch.FOOTER_DATA_OFFSET, 512);

    assertOpenFails(image, "footer", "data offset", DISK_SIZE + 16, "0xFFFFFFFFFFFFFFFF for a fixed disk", "0x200");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 0x00020000, 0xFFFF0000})
  void footerOfAnotherMajorVersionFails(int version) throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).toBytes();
    ImagePatch.of(image).footerInt(ImagePatch.FOOTER_FORMAT_VERSION, version);

    assertOpenFails(image, "footer", "format version", DISK_SIZE + 12, "0x00010000", hex32(version));
  }

  @Test
  void footerOfAnotherMinorVersionIsAWarning() throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).toBytes();
    ImagePatch.of(image).footerInt(ImagePatch.FOOTER_FORMAT_VERSION, 0x00010003);

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("footer format version 0x00010003 is not 1.0");
    }
  }

  // Case 4: sizes.

  @ParameterizedTest
  @ValueSource(longs = {VhdFormat.MAX_VIRTUAL_SIZE + 512, 1L << 62, Long.MAX_VALUE - 511, -512})
  void currentSizeAbove2040GiBFails(long size) throws IOException {
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
    ImagePatch patch = ImagePatch.of(image).footerLong(ImagePatch.FOOTER_CURRENT_SIZE, size);

    assertOpenFails(image, "footer", "current size", patch.endFooterOffset() + 48,
        "at most 2190433320960 bytes (2040 GiB)", Long.toUnsignedString(size));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 511, DISK_SIZE - 1})
  void currentSizeNotAWholeNumberOfSectorsFails(long size) throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).toBytes();
    ImagePatch.of(image).footerLong(ImagePatch.FOOTER_CURRENT_SIZE, size);

    assertOpenFails(image, "footer", "current size", DISK_SIZE + 48, "a multiple of 512", Long.toString(size));
  }

  @Test
  void fixedImageLargerThanItsFileFails() throws IOException {
    byte[] image = ImageBuilder.fixed(DISK_SIZE).toBytes();
    ImagePatch.of(image).footerLong(ImagePatch.FOOTER_CURRENT_SIZE, DISK_SIZE + 512);

    assertOpenFails(image, "footer", "current size", DISK_SIZE + 48,
        "a disk of at most the " + DISK_SIZE + " data bytes the fixed image holds", (DISK_SIZE + 512) + " bytes");
  }

  // Case 14: timestamps.

  @Test
  void footerTimestampInTheFutureIsAWarning() throws IOException {
    Instant future = Instant.now().plusSeconds(30L * 86_400).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    byte[] image = ImageBuilder.dynamic(DISK_SIZE).blockSize(BLOCK_SIZE).toBytes();
    ImagePatch.of(image).footerInt(ImagePatch.FOOTER_TIMESTAMP, VhdFormat.instantToTimestamp(future));

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("footer timestamp " + future + " is in the future");
    }
  }

  @Test
  void parentTimestampInTheFutureIsAWarning() throws IOException {
    Instant future = Instant.now().plusSeconds(400L * 86_400).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    byte[] image = ImageBuilder.differencing(DISK_SIZE, java.util.UUID.randomUUID(), "parent.vhd").blockSize(BLOCK_SIZE)
        .parentTimestamp(VhdFormat.instantToTimestamp(future)).toBytes();

    try (VhdImage opened = open(image)) {
      assertThat(warnings(opened)).containsExactly("dynamic header parent timestamp " + future + " is in the future");
    }
  }

  @Test
  void timestampsWithinADayOfTheClockAreNotWarnedAbout() throws IOException {
    int soon = VhdFormat.instantToTimestamp(Instant.now().plusSeconds(3600));
    byte[] image = ImageBuilder.differencing(DISK_SIZE, java.util.UUID.randomUUID(), "parent.vhd").blockSize(BLOCK_SIZE)
        .parentTimestamp(soon).toBytes();
    ImagePatch.of(image).footerInt(ImagePatch.FOOTER_TIMESTAMP, soon);

    try (VhdImage opened = open(image)) {
      assertThat(opened.findings()).isEmpty();
    }
  }
}
