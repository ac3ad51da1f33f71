package org.vhdspark.format;

/**
 * Sector bitmaps as arrays of longs. Bitmaps on disk are MSB first (sector 0 is bit 0x80 of byte 0),
 * so reading them as big-endian longs puts sector 0 in the top bit of word 0; this class keeps that
 * order: bit {@code i} of a {@code long[]} bitmap is {@code words[i >> 6] & (1L << 63 - (i & 63))}.
 */
public final class Bits {
  private Bits() {}

  public static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  public static boolean get(long[] words, int bit) {
    return (words[bit >>> 6] & (Long.MIN_VALUE >>> bit)) != 0;
  }

  public static boolean get(byte[] bytes, long bit) {
    return (bytes[(int) (bit >>> 3)] & (0x80 >>> (bit & 7))) != 0;
  }

  /** Sets bits {@code [from, from + count)} of an on-disk bitmap. */
  public static void setRange(byte[] bytes, int from, int count) {
    for (int bit = from; bit < from + count; bit++) {
      bytes[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
    }
  }

  /** Clears one bit of an on-disk bitmap. */
  public static void clear(byte[] bytes, int bit) {
    bytes[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
  }

  /** Whether bits {@code [from, from + count)} of an on-disk bitmap are all set. */
  public static boolean allSet(byte[] bytes, int from, int count) {
    for (int bit = from; bit < from + count; bit++) {
      if (!get(bytes, bit)) {
        return false;
      }
    }
    return true;
  }

  /** Sets bits {@code [from, from + count)}. */
  public static void setRange(long[] words, int from, int count) {
    int end = from + count;
    while (from < end) {
      int word = from >>> 6;
      int bit = from & 63;
      int n = Math.min(64 - bit, end - from);
      words[word] |= mask(bit, n);
      from += n;
    }
  }

  /** Clears bits {@code [from, from + count)}. */
  public static void clearRange(long[] words, int from, int count) {
    int end = from + count;
    while (from < end) {
      int word = from >>> 6;
      int bit = from & 63;
      int n = Math.min(64 - bit, end - from);
      words[word] &= ~mask(bit, n);
      from += n;
    }
  }

  /** {@code n} ones starting {@code bit} places from the top of a word. */
  public static long mask(int bit, int n) {
    long ones = n == 64 ? -1L : ~(-1L >>> n);
    return ones >>> bit;
  }

  /**
   * Copies {@code count} bits of an on-disk bitmap, from bit {@code srcBit}, into {@code dst} from bit
   * {@code dstBit}, replacing what was there.
   */
  public static void copy(byte[] src, long srcBit, long[] dst, int dstBit, int count) {
    if ((srcBit & 7) == 0 && (dstBit & 63) == 0) {
      int srcByte = (int) (srcBit >>> 3);
      int word = dstBit >>> 6;
      int remaining = count;
      while (remaining >= 64) {
        dst[word++] = bigEndianLong(src, srcByte);
        srcByte += 8;
        remaining -= 64;
      }
      if (remaining > 0) {
        long value = 0;
        for (int i = 0; i < (remaining + 7) >>> 3; i++) {
          value |= (src[srcByte + i] & 0xFFL) << (56 - 8 * i);
        }
        long keep = mask(0, remaining);
        dst[word] = (dst[word] & ~keep) | (value & keep);
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      int bit = dstBit + i;
      if (get(src, srcBit + i)) {
        dst[bit >>> 6] |= Long.MIN_VALUE >>> bit;
      } else {
        dst[bit >>> 6] &= ~(Long.MIN_VALUE >>> bit);
      }
    }
  }

  private static long bigEndianLong(byte[] b, int i) {
    return (b[i] & 0xFFL) << 56 | (b[i + 1] & 0xFFL) << 48 | (b[i + 2] & 0xFFL) << 40 | (b[i + 3] & 0xFFL) << 32
        | (b[i + 4] & 0xFFL) << 24 | (b[i + 5] & 0xFFL) << 16 | (b[i + 6] & 0xFFL) << 8 | (b[i + 7] & 0xFFL);
  }
}
