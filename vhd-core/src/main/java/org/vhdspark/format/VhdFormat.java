package org.vhdspark.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Sizes, limits and byte helpers shared by the on-disk structures. All integers are big-endian. */
public final class VhdFormat {
  public static final int SECTOR_SIZE = 512;
  public static final int SECTOR_SHIFT = 9;
  public static final int FOOTER_SIZE = 512;
  /** Footers written before Virtual PC 2004 lack the last reserved byte. */
  public static final int LEGACY_FOOTER_SIZE = 511;
  public static final int HEADER_SIZE = 1024;
  /** 0xFF000000 sectors: QEMU's limit, and the most a 32-bit sector BAT can address in practice. */
  public static final long MAX_VIRTUAL_SIZE = 0xFF000000L * SECTOR_SIZE;
  /** Largest block size we accept; real images use 512 KiB or 2 MiB. */
  public static final int MAX_BLOCK_SIZE = 256 << 20;
  public static final int DEFAULT_BLOCK_SIZE = 2 << 20;
  /** Data offset of fixed images and of the dynamic header: "none". */
  public static final long NO_OFFSET = 0xFFFFFFFFFFFFFFFFL;
  public static final int UNALLOCATED = 0xFFFFFFFF;
  /** Blocks must end within the 2^32 - 1 sectors a BAT entry can address (all ones means none): 2 TiB. */
  public static final long MAX_BLOCK_END = 0xFFFFFFFFL << SECTOR_SHIFT;
  public static final int VERSION_1_0 = 0x00010000;
  /** VHD timestamps count seconds from 2000-01-01T00:00:00Z. */
  public static final long EPOCH_UNIX_SECONDS = 946_684_800L;
  public static final UUID NULL_UUID = new UUID(0, 0);

  private VhdFormat() {}

  public static long toUnsigned(int value) {
    return value & 0xFFFFFFFFL;
  }

  public static Instant timestampToInstant(int timestamp) {
    return Instant.ofEpochSecond(EPOCH_UNIX_SECONDS + toUnsigned(timestamp));
  }

  /** Whether a timestamp lies ahead of the clock by more than a day: more than clock skew explains. */
  public static boolean isInTheFuture(int timestamp) {
    return timestampToInstant(timestamp).isAfter(Instant.now().plusSeconds(86_400));
  }

  public static int instantToTimestamp(Instant instant) {
    return (int) (instant.getEpochSecond() - EPOCH_UNIX_SECONDS);
  }

  /** Bytes of a block's sector bitmap: one bit a sector, padded to whole sectors. */
  public static int bitmapBytes(int blockSize) {
    int sectors = blockSize >>> SECTOR_SHIFT;
    int bytes = (sectors + 7) >>> 3;
    return roundUpToSector(bytes);
  }

  public static int roundUpToSector(int bytes) {
    return (bytes + SECTOR_SIZE - 1) & -SECTOR_SIZE;
  }

  public static long roundUpToSector(long bytes) {
    return (bytes + SECTOR_SIZE - 1) & -SECTOR_SIZE;
  }

  static UUID uuidAt(ByteBuffer buf, int index) {
    return new UUID(buf.getLong(index), buf.getLong(index + 8));
  }

  static void putUuid(ByteBuffer buf, int index, UUID uuid) {
    buf.putLong(index, uuid.getMostSignificantBits());
    buf.putLong(index + 8, uuid.getLeastSignificantBits());
  }

  static byte[] bytesAt(ByteBuffer buf, int index, int length) {
    byte[] bytes = new byte[length];
    buf.get(index, bytes);
    return bytes;
  }

  static boolean allZero(ByteBuffer buf, int index, int length) {
    for (int i = 0; i < length; i++) {
      if (buf.get(index + i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Four ASCII characters of a code such as a creator or platform code, NULs dropped. */
  public static String fourCc(int code) {
    byte[] bytes = ByteBuffer.allocate(4).putInt(code).array();
    StringBuilder text = new StringBuilder(4);
    for (byte b : bytes) {
      if (b >= 0x20 && b < 0x7F) {
        text.append((char) b);
      } else if (b != 0) {
        text.append(String.format("\\x%02x", b & 0xFF));
      }
    }
    return text.toString();
  }

  public static int fourCc(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > 4) {
      throw new IllegalArgumentException("code longer than 4 characters: " + text);
    }
    int code = 0;
    for (int i = 0; i < 4; i++) {
      code = (code << 8) | (i < bytes.length ? bytes[i] & 0xFF : 0);
    }
    return code;
  }

  static String hex(long value) {
    return "0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
  }

  static String hex32(int value) {
    return String.format("0x%08X", value);
  }
}
