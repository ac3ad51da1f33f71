package org.vhdspark.format;

import static org.vhdspark.format.VhdFormat.hex;
import static org.vhdspark.format.VhdFormat.hex32;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The hard disk footer: at the end of every image, and copied at offset 0 of dynamic and
 * differencing images.
 *
 * <pre>
 *   0  cookie "conectix"        8     40  original size        8
 *   8  features                 4     48  current size         8
 *  12  format version           4     56  geometry C16 H8 S8   4
 *  16  data offset              8     60  disk type            4
 *  24  timestamp                4     64  checksum             4
 *  28  creator application      4     68  unique id           16
 *  32  creator version          4     84  saved state          1
 *  36  creator host OS          4     85  reserved (blktap: hidden flag) 427
 * </pre>
 */
public record Footer(
    int features,
    int formatVersion,
    long dataOffset,
    int timestamp,
    int creatorApplication,
    int creatorVersion,
    int creatorHostOs,
    long originalSize,
    long currentSize,
    Geometry geometry,
    DiskType diskType,
    int checksum,
    UUID uniqueId,
    byte savedState) {

  public static final byte[] COOKIE = "conectix".getBytes(StandardCharsets.US_ASCII);
  public static final int FEATURE_TEMPORARY = 0x1;
  public static final int FEATURE_RESERVED = 0x2;
  static final String STRUCTURE = "footer";

  static final int FEATURES = 8;
  static final int FORMAT_VERSION = 12;
  static final int DATA_OFFSET = 16;
  static final int TIMESTAMP = 24;
  static final int CREATOR_APPLICATION = 28;
  static final int CREATOR_VERSION = 32;
  static final int CREATOR_HOST_OS = 36;
  static final int ORIGINAL_SIZE = 40;
  static final int CURRENT_SIZE = 48;
  static final int GEOMETRY = 56;
  static final int DISK_TYPE = 60;
  static final int CHECKSUM = 64;
  static final int UNIQUE_ID = 68;
  static final int SAVED_STATE = 84;
  static final int RESERVED = 85;

  /**
   * Parses and validates the footer in {@code buf} at its position (512 bytes; a 511-byte legacy
   * footer is passed zero-padded). {@code fileOffset} is where it sits in the image, for messages.
   */
  public static Footer parse(ByteBuffer buf, long fileOffset, ParseContext ctx) throws VhdFormatException {
    ByteBuffer b = buf.slice(buf.position(), VhdFormat.FOOTER_SIZE).order(ByteOrder.BIG_ENDIAN);
    byte[] cookie = VhdFormat.bytesAt(b, 0, 8);
    if (!java.util.Arrays.equals(cookie, COOKIE)) {
      throw ctx.error(STRUCTURE, "cookie", fileOffset, "\"conectix\"", quoted(cookie));
    }
    ctx.checkChecksum(STRUCTURE, fileOffset + CHECKSUM, b.getInt(CHECKSUM),
        Checksum.compute(b, 0, VhdFormat.FOOTER_SIZE, CHECKSUM));

    int diskTypeCode = b.getInt(DISK_TYPE);
    DiskType diskType = DiskType.ofCode(diskTypeCode);
    if (diskType == null) {
      throw ctx.error(STRUCTURE, "disk type", fileOffset + DISK_TYPE, "2 (fixed), 3 (dynamic) or 4 (differencing)",
          Integer.toString(diskTypeCode));
    }
    int version = b.getInt(FORMAT_VERSION);
    if (version >>> 16 != 1) {
      throw ctx.error(STRUCTURE, "format version", fileOffset + FORMAT_VERSION, hex32(VhdFormat.VERSION_1_0), hex32(version));
    }
    long dataOffset = b.getLong(DATA_OFFSET);
    if (diskType == DiskType.FIXED && dataOffset != VhdFormat.NO_OFFSET) {
      throw ctx.error(STRUCTURE, "data offset", fileOffset + DATA_OFFSET, "0xFFFFFFFFFFFFFFFF for a fixed disk", hex(dataOffset));
    }
    long currentSize = b.getLong(CURRENT_SIZE);
    if (currentSize < 0 || currentSize > VhdFormat.MAX_VIRTUAL_SIZE) {
      throw ctx.error(STRUCTURE, "current size", fileOffset + CURRENT_SIZE,
          "at most " + VhdFormat.MAX_VIRTUAL_SIZE + " bytes (2040 GiB)", Long.toUnsignedString(currentSize));
    }
    if (currentSize % VhdFormat.SECTOR_SIZE != 0) {
      throw ctx.error(STRUCTURE, "current size", fileOffset + CURRENT_SIZE, "a multiple of 512", Long.toString(currentSize));
    }

    Footer footer = new Footer(b.getInt(FEATURES), version, dataOffset, b.getInt(TIMESTAMP), b.getInt(CREATOR_APPLICATION),
        b.getInt(CREATOR_VERSION), b.getInt(CREATOR_HOST_OS), b.getLong(ORIGINAL_SIZE), currentSize,
        Geometry.unpack(b.getInt(GEOMETRY)), diskType, b.getInt(CHECKSUM), VhdFormat.uuidAt(b, UNIQUE_ID), b.get(SAVED_STATE));
    if (version != VhdFormat.VERSION_1_0) {
      ctx.warn("footer format version " + hex32(version) + " is not 1.0");
    }
    if ((footer.features & FEATURE_RESERVED) == 0) {
      ctx.warn("footer features " + hex32(footer.features) + " lack the reserved bit 0x2");
    }
    if (VhdFormat.isInTheFuture(footer.timestamp)) {
      ctx.warn("footer timestamp " + footer.timestampInstant() + " is in the future");
    }
    return footer;
  }

  /** Writes the footer, with a freshly computed checksum, at {@code buf}'s position (512 bytes). */
  public void writeTo(ByteBuffer buf) {
    ByteBuffer b = buf.slice(buf.position(), VhdFormat.FOOTER_SIZE).order(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < VhdFormat.FOOTER_SIZE; i++) {
      b.put(i, (byte) 0);
    }
    b.put(0, COOKIE);
    b.putInt(FEATURES, features);
    b.putInt(FORMAT_VERSION, formatVersion);
    b.putLong(DATA_OFFSET, dataOffset);
    b.putInt(TIMESTAMP, timestamp);
    b.putInt(CREATOR_APPLICATION, creatorApplication);
    b.putInt(CREATOR_VERSION, creatorVersion);
    b.putInt(CREATOR_HOST_OS, creatorHostOs);
    b.putLong(ORIGINAL_SIZE, originalSize);
    b.putLong(CURRENT_SIZE, currentSize);
    b.putInt(GEOMETRY, geometry.pack());
    b.putInt(DISK_TYPE, diskType.code());
    VhdFormat.putUuid(b, UNIQUE_ID, uniqueId);
    b.put(SAVED_STATE, savedState);
    b.putInt(CHECKSUM, Checksum.compute(b, 0, VhdFormat.FOOTER_SIZE, CHECKSUM));
  }

  public Instant timestampInstant() {
    return VhdFormat.timestampToInstant(timestamp);
  }

  /** Creator application as text, e.g. "vpc", "qemu", "tap", "win". */
  public String creatorApplicationName() {
    return VhdFormat.fourCc(creatorApplication).trim();
  }

  /** "major.minor" of the creator version. */
  public String creatorVersionText() {
    return (creatorVersion >>> 16) + "." + (creatorVersion & 0xFFFF);
  }

  /** Creator host OS as text ("Wi2k", "Mac"), empty when zero (blktap). */
  public String creatorHostOsName() {
    return VhdFormat.fourCc(creatorHostOs).trim();
  }

  static String quoted(byte[] bytes) {
    StringBuilder text = new StringBuilder("\"");
    for (byte c : bytes) {
      text.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c & 0xFF));
    }
    return text.append('"').toString();
  }
}
