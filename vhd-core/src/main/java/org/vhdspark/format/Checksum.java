package org.vhdspark.format;

import java.nio.ByteBuffer;

/** The checksum of footers and headers: one's complement of the unsigned byte sum. */
public final class Checksum {
  private Checksum() {}

  /** Sums {@code length} bytes from {@code start}, counting the 4-byte field at {@code fieldIndex} as zero. */
  public static int compute(ByteBuffer buf, int start, int length, int fieldIndex) {
    int sum = 0;
    for (int i = start; i < start + length; i++) {
      if (i < fieldIndex || i >= fieldIndex + 4) {
        sum += buf.get(i) & 0xFF;
      }
    }
    return ~sum;
  }
}
