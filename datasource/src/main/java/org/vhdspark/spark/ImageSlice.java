package org.vhdspark.spark;

import java.io.Serial;
import java.io.Serializable;

/**
 * The part of one image that one task reads: runs of consecutive blocks, as {@code first, end}
 * pairs (end exclusive). A catalog slice has no blocks: it stands for the whole image.
 */
record ImageSlice(PlannedImage image, long[] blockRanges) implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(image.path()).append(" blocks");
    for (int i = 0; i < blockRanges.length; i += 2) {
      text.append(' ').append(blockRanges[i]).append("..").append(blockRanges[i + 1] - 1);
    }
    return text.toString();
  }
}
