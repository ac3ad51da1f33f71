package org.vhdspark.format;

import static org.vhdspark.format.VhdFormat.hex;
import static org.vhdspark.format.VhdFormat.hex32;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The dynamic disk header of dynamic and differencing images (1024 bytes, at the footer's data offset).
 *
 * <pre>
 *   0  cookie "cxsparse"        8     40  parent unique id    16
 *   8  data offset (all ones)   8     56  parent timestamp     4
 *  16  table offset (BAT)       8     60  reserved             4
 *  24  header version           4     64  parent unicode name 512  UTF-16BE, NUL padded
 *  28  max table entries        4    576  parent locators   8 x 24
 *  32  block size               4    768  reserved           256
 *  36  checksum                 4
 * </pre>
 */
public record DynamicHeader(
    long dataOffset,
    long tableOffset,
    int headerVersion,
    int maxTableEntries,
    int blockSize,
    int checksum,
    UUID parentUniqueId,
    int parentTimestamp,
    String parentUnicodeName,
    List<ParentLocator> locators) {

  public static final byte[] COOKIE = "cxsparse".getBytes(StandardCharsets.US_ASCII);
  static final String STRUCTURE = "dynamic header";

  static final int DATA_OFFSET = 8;
  static final int TABLE_OFFSET = 16;
  static final int HEADER_VERSION = 24;
  static final int MAX_TABLE_ENTRIES = 28;
  static final int BLOCK_SIZE = 32;
  static final int CHECKSUM = 36;
  static final int PARENT_UNIQUE_ID = 40;
  static final int PARENT_TIMESTAMP = 56;
  static final int PARENT_UNICODE_NAME = 64;
  static final int PARENT_UNICODE_NAME_SIZE = 512;
  static final int PARENT_LOCATORS = 576;
  static final int RESERVED = 768;

  public DynamicHeader {
    locators = List.copyOf(locators);
  }

  /** Parses and validates the header at {@code buf}'s position; {@code fileOffset} is where it sits. */
  public static DynamicHeader parse(ByteBuffer buf, long fileOffset, ParseContext ctx) throws VhdFormatException {
    ByteBuffer b = buf.slice(buf.position(), VhdFormat.HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
    byte[] cookie = VhdFormat.bytesAt(b, 0, 8);
    if (!Arrays.equals(cookie, COOKIE)) {
      throw ctx.error(STRUCTURE, "cookie", fileOffset, "\"cxsparse\"", Footer.quoted(cookie));
    }
    ctx.checkChecksum(STRUCTURE, fileOffset + CHECKSUM, b.getInt(CHECKSUM),
        Checksum.compute(b, 0, VhdFormat.HEADER_SIZE, CHECKSUM));
    int version = b.getInt(HEADER_VERSION);
    if (version != VhdFormat.VERSION_1_0) {
      throw ctx.error(STRUCTURE, "header version", fileOffset + HEADER_VERSION, hex32(VhdFormat.VERSION_1_0), hex32(version));
    }
    long dataOffset = b.getLong(DATA_OFFSET);
    if (dataOffset == 0xFFFFFFFFL) {
      // The specification's text says 0xFFFFFFFF for this 8-byte field; tolerate writers that followed it.
      ctx.warn("dynamic header data offset is 0xFFFFFFFF, not all ones (the specification's known error)");
    } else if (dataOffset != VhdFormat.NO_OFFSET) {
      throw ctx.error(STRUCTURE, "data offset", fileOffset + DATA_OFFSET, "0xFFFFFFFFFFFFFFFF", hex(dataOffset));
    }
    int blockSize = b.getInt(BLOCK_SIZE);
    if (blockSize < VhdFormat.SECTOR_SIZE || blockSize > VhdFormat.MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
      throw ctx.error(STRUCTURE, "block size", fileOffset + BLOCK_SIZE,
          "a power of two from 512 bytes to " + (VhdFormat.MAX_BLOCK_SIZE >> 20) + " MiB", Integer.toUnsignedString(blockSize));
    }
    long tableOffset = b.getLong(TABLE_OFFSET);
    if (tableOffset <= 0 || tableOffset % VhdFormat.SECTOR_SIZE != 0) {
      throw ctx.error(STRUCTURE, "table offset", fileOffset + TABLE_OFFSET, "a non-zero multiple of 512", hex(tableOffset));
    }
    int maxTableEntries = b.getInt(MAX_TABLE_ENTRIES);
    if (maxTableEntries < 0) {
      throw ctx.error(STRUCTURE, "max table entries", fileOffset + MAX_TABLE_ENTRIES, "at most " + Integer.MAX_VALUE,
          Integer.toUnsignedString(maxTableEntries));
    }
    List<ParentLocator> locators = new ArrayList<>(ParentLocator.SLOTS);
    for (int slot = 0; slot < ParentLocator.SLOTS; slot++) {
      int index = PARENT_LOCATORS + slot * ParentLocator.ENTRY_SIZE;
      locators.add(ParentLocator.parse(b, index, slot, fileOffset + index, ctx));
    }
    if (!VhdFormat.allZero(b, RESERVED, VhdFormat.HEADER_SIZE - RESERVED) || b.getInt(60) != 0) {
      ctx.warn("dynamic header reserved bytes are not zero");
    }
    return new DynamicHeader(dataOffset, tableOffset, version, maxTableEntries, blockSize, b.getInt(CHECKSUM),
        VhdFormat.uuidAt(b, PARENT_UNIQUE_ID), b.getInt(PARENT_TIMESTAMP), parentName(b), locators);
  }

  /** Writes the header, with a freshly computed checksum, at {@code buf}'s position (1024 bytes). */
  public void writeTo(ByteBuffer buf) {
    ByteBuffer b = buf.slice(buf.position(), VhdFormat.HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < VhdFormat.HEADER_SIZE; i++) {
      b.put(i, (byte) 0);
    }
    b.put(0, COOKIE);
    b.putLong(DATA_OFFSET, dataOffset);
    b.putLong(TABLE_OFFSET, tableOffset);
    b.putInt(HEADER_VERSION, headerVersion);
    b.putInt(MAX_TABLE_ENTRIES, maxTableEntries);
    b.putInt(BLOCK_SIZE, blockSize);
    VhdFormat.putUuid(b, PARENT_UNIQUE_ID, parentUniqueId);
    b.putInt(PARENT_TIMESTAMP, parentTimestamp);
    byte[] name = parentUnicodeName.getBytes(StandardCharsets.UTF_16BE);
    if (name.length > PARENT_UNICODE_NAME_SIZE) {
      throw new IllegalArgumentException("parent unicode name longer than 256 UTF-16 units: " + parentUnicodeName);
    }
    b.put(PARENT_UNICODE_NAME, name);
    for (ParentLocator locator : locators) {
      locator.writeTo(b, PARENT_LOCATORS + locator.slot() * ParentLocator.ENTRY_SIZE);
    }
    b.putInt(CHECKSUM, Checksum.compute(b, 0, VhdFormat.HEADER_SIZE, CHECKSUM));
  }

  /** Absolute file offset of locator entry {@code slot}, given where the header sits. */
  public static long locatorEntryOffset(long headerOffset, int slot) {
    return headerOffset + PARENT_LOCATORS + (long) slot * ParentLocator.ENTRY_SIZE;
  }

  public int sectorsPerBlock() {
    return blockSize >>> VhdFormat.SECTOR_SHIFT;
  }

  public boolean hasParentUniqueId() {
    return !parentUniqueId.equals(VhdFormat.NULL_UUID);
  }

  private static String parentName(ByteBuffer b) {
    int end = 0;
    while (end < PARENT_UNICODE_NAME_SIZE && (b.get(PARENT_UNICODE_NAME + end) != 0 || b.get(PARENT_UNICODE_NAME + end + 1) != 0)) {
      end += 2;
    }
    // Unpaired surrogates become U+FFFD; the name is only a hint for finding the parent.
    return new String(VhdFormat.bytesAt(b, PARENT_UNICODE_NAME, end), StandardCharsets.UTF_16BE);
  }
}
