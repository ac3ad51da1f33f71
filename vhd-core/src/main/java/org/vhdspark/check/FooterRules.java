package org.vhdspark.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vhdspark.format.Checksum;
import org.vhdspark.format.Footer;
import org.vhdspark.format.Geometry;
import org.vhdspark.format.ParseContext;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;

/**
 * The file size, the footer in use and, for dynamic and differencing images, the copy at offset 0:
 * the footer rules of blktap's vhd-util check.
 */
final class FooterRules implements ImageRule {
  private static final String STRUCTURE = "footer";
  private static final int FEATURES = 8;
  private static final int FORMAT_VERSION = 12;
  private static final int TIMESTAMP = 24;
  private static final int CREATOR_APPLICATION = 28;
  private static final int CREATOR_VERSION = 32;
  private static final int CURRENT_SIZE = 48;
  private static final int GEOMETRY = 56;
  private static final int CHECKSUM = 64;
  private static final int UNIQUE_ID = 68;
  private static final int SAVED_STATE = 84;
  private static final int HIDDEN = 85;
  private static final int RESERVED = 86;
  private static final int KNOWN_FEATURES = Footer.FEATURE_TEMPORARY | Footer.FEATURE_RESERVED;
  private static final int TAP = VhdFormat.fourCc("tap");
  /** The newest blktap creator version; vhd-util check refuses newer "tap" images. */
  private static final int NEWEST_TAP_VERSION = 0x00010003;

  /** The footer's fields, for naming what differs between the footer and its copy. */
  private record Field(String name, int offset, int length) {}

  private static final List<Field> FIELDS = List.of(
      new Field("cookie", 0, 8), new Field("features", FEATURES, 4), new Field("format version", FORMAT_VERSION, 4),
      new Field("data offset", 16, 8), new Field("timestamp", TIMESTAMP, 4),
      new Field("creator application", CREATOR_APPLICATION, 4), new Field("creator version", CREATOR_VERSION, 4),
      new Field("creator host OS", 36, 4), new Field("original size", 40, 8), new Field("current size", CURRENT_SIZE, 8),
      new Field("geometry", GEOMETRY, 4), new Field("disk type", 60, 4), new Field("checksum", CHECKSUM, 4),
      new Field("unique id", UNIQUE_ID, 16), new Field("saved state", SAVED_STATE, 1), new Field("hidden flag", HIDDEN, 1),
      new Field("reserved bytes", RESERVED, VhdFormat.FOOTER_SIZE - RESERVED));

  @Override
  public void check(CheckedImage image) throws IOException {
    boolean sizeOk = checkFileSize(image);
    long offset = image.image().footerOffset();
    ByteBuffer inUse = readFooter(image, offset);
    if (offset == 0) {
      reportUnusableEnd(image, sizeOk);
    }
    checkFields(image, inUse, offset);
    if (offset != 0 && image.image().type().isSparse()) {
      checkCopy(image, inUse);
    }
  }

  private static boolean checkFileSize(CheckedImage image) throws IOException {
    long remainder = image.fileSize() % VhdFormat.SECTOR_SIZE;
    if (remainder == VhdFormat.LEGACY_FOOTER_SIZE) {
      image.warning(String.format(Locale.ROOT, "file size %,d is not a multiple of 512: a 511-byte footer, as written "
          + "before Virtual PC 2004 (vhd-util check and this library accept it)", image.fileSize()));
    } else if (remainder != 0) {
      image.error(String.format(Locale.ROOT, "file size %,d is not a multiple of 512 (nor 512n+511, a legacy footer)", image.fileSize()));
      return false;
    }
    return true;
  }

  /** The footer at {@code offset}, padded to 512 bytes when the file ends in a legacy 511-byte one. */
  private static ByteBuffer readFooter(CheckedImage image, long offset) throws IOException {
    int length = (int) Math.min(VhdFormat.FOOTER_SIZE, image.fileSize() - offset);
    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE).order(ByteOrder.BIG_ENDIAN);
    footer.put(image.read(offset, length));
    return footer.clear();
  }

  private static void reportUnusableEnd(CheckedImage image, boolean sizeOk) throws IOException {
    String reason = sizeOk ? "it does not parse" : "the file size leaves no room for one";
    if (sizeOk) {
      long end = image.fileSize() - (image.fileSize() % VhdFormat.SECTOR_SIZE == 0 ? VhdFormat.FOOTER_SIZE : VhdFormat.LEGACY_FOOTER_SIZE);
      try {
        Footer.parse(readFooter(image, end), end, new ParseContext(image.name(), false));
      } catch (VhdFormatException e) {
        reason = e.detail();
      }
    }
    image.error("the footer at the end is unusable (" + reason + "); only readers that fall back to the copy at offset 0 "
        + "(blktap, DiscUtils, this library) can open the image; `vhd repair` restores it from that copy");
  }

  private static void checkFields(CheckedImage image, ByteBuffer footer, long offset) {
    int stored = footer.getInt(CHECKSUM);
    int computed = Checksum.compute(footer, 0, VhdFormat.FOOTER_SIZE, CHECKSUM);
    if (stored != computed && !isOldTapHiddenChecksum(footer)) {
      image.checksumMismatch(STRUCTURE, offset + CHECKSUM, computed, stored);
    }
    int features = footer.getInt(FEATURES);
    if ((features & Footer.FEATURE_RESERVED) == 0) {
      image.fieldError(STRUCTURE, "features", offset + FEATURES, "the reserved bit 0x2 set", CheckedImage.hex32(features));
    }
    if ((features & ~KNOWN_FEATURES) != 0) {
      image.fieldError(STRUCTURE, "features", offset + FEATURES, "no bits but 0x1 (temporary) and 0x2 (reserved)",
          CheckedImage.hex32(features));
    }
    int version = footer.getInt(FORMAT_VERSION);
    if (version != VhdFormat.VERSION_1_0) {
      image.fieldError(STRUCTURE, "format version", offset + FORMAT_VERSION, CheckedImage.hex32(VhdFormat.VERSION_1_0),
          CheckedImage.hex32(version));
    }
    Instant timestamp = VhdFormat.timestampToInstant(footer.getInt(TIMESTAMP));
    if (image.isTooFarAhead(timestamp)) {
      image.fieldError(STRUCTURE, "timestamp", offset + TIMESTAMP, "no later than now (" + image.now() + ")", timestamp.toString());
    }
    int creatorVersion = footer.getInt(CREATOR_VERSION);
    if (footer.getInt(CREATOR_APPLICATION) == TAP && Integer.compareUnsigned(creatorVersion, NEWEST_TAP_VERSION) > 0) {
      image.warning("creator \"tap\" version " + (creatorVersion >>> 16) + "." + (creatorVersion & 0xFFFF)
          + " is newer than 1.3, the newest blktap's vhd-util check knows");
    }
    checkGeometry(image, footer, offset);
    byte saved = footer.get(SAVED_STATE);
    if (saved != 0 && saved != 1) {
      image.fieldError(STRUCTURE, "saved state", offset + SAVED_STATE, "0 or 1", Integer.toString(saved & 0xFF));
    }
    byte hidden = footer.get(HIDDEN);
    if (hidden != 0 && hidden != 1) {
      image.fieldError(STRUCTURE, "hidden flag (blktap's first reserved byte)", offset + HIDDEN, "0 or 1", Integer.toString(hidden & 0xFF));
    }
    int nonZero = CheckedImage.firstNonZero(footer, RESERVED, VhdFormat.FOOTER_SIZE - RESERVED);
    if (nonZero >= 0) {
      image.fieldError(STRUCTURE, "reserved", offset + nonZero, "zeros from offset " + (offset + RESERVED) + " to the end",
          String.format(Locale.ROOT, "0x%02X", footer.get(nonZero) & 0xFF));
    }
    if (footer.getLong(UNIQUE_ID) == 0 && footer.getLong(UNIQUE_ID + 8) == 0) {
      image.fieldError(STRUCTURE, "unique id", offset + UNIQUE_ID, "a non-null UUID (children name their parent by it)",
          VhdFormat.NULL_UUID.toString());
    }
  }

  /** vhd-util check compares the packed values, so cylinders weigh most: so do we. */
  private static void checkGeometry(CheckedImage image, ByteBuffer footer, long offset) {
    long currentSize = footer.getLong(CURRENT_SIZE);
    Geometry expected = Geometry.forSize(currentSize);
    long packedExpected = (long) expected.cylinders() << 16 | expected.heads() << 8 | expected.sectorsPerTrack();
    long packed = Integer.toUnsignedLong(footer.getInt(GEOMETRY));
    if (packed <= packedExpected) {
      return;
    }
    Geometry stored = new Geometry((int) (packed >>> 16), (int) (packed >>> 8) & 0xFF, (int) packed & 0xFF);
    String expectation = "at most " + expected + " (C/H/S, the specification's geometry for " + currentSize + " bytes)";
    // qemu-img writes the largest geometry with force_size, telling QEMU to trust the current size.
    if (stored.equals(Geometry.MAXIMUM)) {
      image.warning(CheckedImage.fieldMessage(STRUCTURE, "geometry", offset + GEOMETRY, expectation, stored.toString())
          + ": QEMU's marker for \"the size is the current size\" (qemu-img -o force_size); readers agree on the size, "
          + "but vhd-util check refuses it");
    } else {
      image.fieldError(STRUCTURE, "geometry", offset + GEOMETRY, expectation, stored.toString());
    }
  }

  private static void checkCopy(CheckedImage image, ByteBuffer end) throws IOException {
    if (image.fileSize() < 2L * VhdFormat.FOOTER_SIZE) {
      return;
    }
    ByteBuffer copy = image.read(0, VhdFormat.FOOTER_SIZE);
    if (copy.equals(end)) {
      return;
    }
    if (!copy.slice(0, 8).equals(ByteBuffer.wrap(Footer.COOKIE))) {
      image.error("no footer copy at offset 0 (no \"conectix\" cookie there): dynamic and differencing images keep one, "
          + "and QEMU reads it before the footer at the end");
      return;
    }
    List<String> differing = new ArrayList<>();
    for (Field field : FIELDS) {
      if (!copy.slice(field.offset(), field.length()).equals(end.slice(field.offset(), field.length()))) {
        differing.add(field.name());
      }
    }
    if (differing.equals(List.of("hidden flag")) && isOldTap(copy)) {
      return;
    }
    image.error("the footer copy at offset 0 differs from the footer at the end in " + String.join(", ", differing)
        + ": QEMU reads the copy, other readers the end, so they disagree about the image");
  }

  /** blktap 0.1 and 1.1 set the hidden flag without updating the checksum; vhd-util check allows it. */
  private static boolean isOldTapHiddenChecksum(ByteBuffer footer) {
    if (footer.get(HIDDEN) == 0 || !isOldTap(footer)) {
      return false;
    }
    ByteBuffer unhidden = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE).put(footer.duplicate().clear()).clear();
    unhidden.put(HIDDEN, (byte) 0);
    return Checksum.compute(unhidden, 0, VhdFormat.FOOTER_SIZE, CHECKSUM) == footer.getInt(CHECKSUM);
  }

  private static boolean isOldTap(ByteBuffer footer) {
    int version = footer.getInt(CREATOR_VERSION);
    return footer.getInt(CREATOR_APPLICATION) == TAP && (version == 0x00000001 || version == 0x00010001);
  }
}
