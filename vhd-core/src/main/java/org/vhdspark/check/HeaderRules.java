package org.vhdspark.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.vhdspark.format.Checksum;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormat;

/** The dynamic header of dynamic and differencing images: the header rules of blktap's vhd-util check. */
final class HeaderRules implements ImageRule {
  private static final String STRUCTURE = "dynamic header";
  private static final int DATA_OFFSET = 8;
  private static final int BLOCK_SIZE = 32;
  private static final int CHECKSUM = 36;
  private static final int PARENT_UNIQUE_ID = 40;
  private static final int PARENT_TIMESTAMP = 56;
  private static final int RESERVED_1 = 60;
  private static final int PARENT_UNICODE_NAME = 64;
  private static final int PARENT_UNICODE_NAME_SIZE = 512;
  private static final int PARENT_LOCATORS = 576;
  private static final int RESERVED_2 = 768;
  /** The largest block size vhd-util check and the other VHD tools handle. */
  static final int MAX_BLOCK_SIZE = 2 << 20;

  @Override
  public void check(CheckedImage image) throws IOException {
    if (!image.image().type().isSparse()) {
      return;
    }
    long offset = image.headerOffset();
    ByteBuffer header = image.read(offset, VhdFormat.HEADER_SIZE);
    int stored = header.getInt(CHECKSUM);
    int computed = Checksum.compute(header, 0, VhdFormat.HEADER_SIZE, CHECKSUM);
    if (stored != computed) {
      image.checksumMismatch(STRUCTURE, offset + CHECKSUM, computed, stored);
    }
    long dataOffset = header.getLong(DATA_OFFSET);
    if (dataOffset != VhdFormat.NO_OFFSET) {
      image.fieldError(STRUCTURE, "data offset", offset + DATA_OFFSET, "0xFFFFFFFFFFFFFFFF", CheckedImage.hex64(dataOffset));
    }
    int reserved = header.getInt(RESERVED_1);
    if (reserved != 0) {
      image.fieldError(STRUCTURE, "reserved", offset + RESERVED_1, "0", CheckedImage.hex32(reserved));
    }
    int nonZero = CheckedImage.firstNonZero(header, RESERVED_2, VhdFormat.HEADER_SIZE - RESERVED_2);
    if (nonZero >= 0) {
      image.fieldError(STRUCTURE, "reserved", offset + nonZero, "zeros from offset " + (offset + RESERVED_2) + " to the end",
          String.format("0x%02X", header.get(nonZero) & 0xFF));
    }
    int blockSize = header.getInt(BLOCK_SIZE);
    if (Integer.compareUnsigned(blockSize, MAX_BLOCK_SIZE) > 0) {
      image.fieldError(STRUCTURE, "block size", offset + BLOCK_SIZE, "at most 2 MiB (the most vhd-util check and QEMU handle)",
          Integer.toUnsignedString(blockSize));
    }
    if (image.image().type() == DiskType.DIFFERENCING) {
      checkParentFields(image, header, offset);
    } else {
      checkNoParentFields(image, header);
    }
  }

  private static void checkParentFields(CheckedImage image, ByteBuffer header, long offset) {
    String name = parentName(header);
    if (name == null) {
      image.fieldError(STRUCTURE, "parent unicode name", offset + PARENT_UNICODE_NAME, "UTF-16BE text", "undecodable bytes");
    } else if (name.isEmpty()) {
      image.fieldError(STRUCTURE, "parent unicode name", offset + PARENT_UNICODE_NAME,
          "the parent's file name (readers search by it, vhd-util check matches the locators against it)", "nothing");
    }
    Instant parentTimestamp = VhdFormat.timestampToInstant(header.getInt(PARENT_TIMESTAMP));
    if (image.isTooFarAhead(parentTimestamp)) {
      image.fieldError(STRUCTURE, "parent timestamp", offset + PARENT_TIMESTAMP, "no later than now (" + image.now() + ")",
          parentTimestamp.toString());
    }
    if (!image.header().hasParentUniqueId()) {
      image.warning("the parent unique id is null (blktap's raw-parent case): any image found is accepted as the parent, "
          + "nothing proves it is the right one");
    }
  }

  private static void checkNoParentFields(CheckedImage image, ByteBuffer header) {
    List<String> set = new ArrayList<>();
    if (CheckedImage.firstNonZero(header, PARENT_UNIQUE_ID, 16) >= 0) {
      set.add("parent unique id");
    }
    if (header.getInt(PARENT_TIMESTAMP) != 0) {
      set.add("parent timestamp");
    }
    if (CheckedImage.firstNonZero(header, PARENT_UNICODE_NAME, PARENT_UNICODE_NAME_SIZE) >= 0) {
      set.add("parent unicode name");
    }
    if (CheckedImage.firstNonZero(header, PARENT_LOCATORS, RESERVED_2 - PARENT_LOCATORS) >= 0) {
      set.add("parent locators");
    }
    if (!set.isEmpty()) {
      image.error("a " + image.image().type().label() + " image has no parent, yet its dynamic header sets "
          + String.join(", ", set) + " (readers ignore them; vhd-util check refuses them)");
    }
  }

  /** The name up to its first NUL character; null when it is not valid UTF-16BE. */
  private static String parentName(ByteBuffer header) {
    int end = 0;
    while (end < PARENT_UNICODE_NAME_SIZE && header.getChar(PARENT_UNICODE_NAME + end) != 0) {
      end += 2;
    }
    try {
      return StandardCharsets.UTF_16BE.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(header.slice(PARENT_UNICODE_NAME, end))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
