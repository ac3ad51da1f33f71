package org.vhdspark.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of non-negative long values (blocks, sectors) as sorted, disjoint, closed intervals: what
 * the pushed filters allow for a column.
 */
final class LongRanges implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  static final LongRanges ALL = new LongRanges(new long[] {0, Long.MAX_VALUE});
  static final LongRanges NONE = new LongRanges(new long[0]);

  /** lo0, hi0, lo1, hi1, ...: sorted, disjoint, not adjacent. */
  private final long[] bounds;

  private LongRanges(long[] bounds) {
    this.bounds = bounds;
  }

  static LongRanges closed(long lo, long hi) {
    long from = Math.max(lo, 0);
    return from > hi ? NONE : new LongRanges(new long[] {from, hi});
  }

  static LongRanges atLeast(long lo) {
    return closed(lo, Long.MAX_VALUE);
  }

  static LongRanges atMost(long hi) {
    return closed(0, hi);
  }

  static LongRanges point(long value) {
    return closed(value, value);
  }

  boolean isAll() {
    return bounds.length == 2 && bounds[0] == 0 && bounds[1] == Long.MAX_VALUE;
  }

  boolean isEmpty() {
    return bounds.length == 0;
  }

  boolean contains(long value) {
    int i = index(value);
    return i >= 0 && value <= bounds[2 * i + 1];
  }

  /** Whether any value of {@code [lo, hi]} is allowed. */
  boolean intersects(long lo, long hi) {
    long next = ceiling(lo);
    return next >= 0 && next <= hi;
  }

  /** The smallest allowed value at or above {@code value}, or -1 when there is none. */
  long ceiling(long value) {
    long from = Math.max(value, 0);
    int i = index(from);
    if (i >= 0 && from <= bounds[2 * i + 1]) {
      return from;
    }
    int next = i + 1;
    return 2 * next < bounds.length ? bounds[2 * next] : -1;
  }

  /** The last value of the range holding {@code value}, which must be {@link #contains contained}. */
  long rangeEnd(long value) {
    return bounds[2 * index(value) + 1];
  }

  /** How many multiples of {@code step} in {@code [lo, hi]} are allowed (row starts, for the statistics). */
  long countMultiples(long lo, long hi, long step) {
    long count = 0;
    for (int i = Math.max(index(lo), 0); 2 * i < bounds.length && bounds[2 * i] <= hi; i++) {
      long from = Math.max(lo, bounds[2 * i]);
      long to = Math.min(hi, bounds[2 * i + 1]);
      if (from <= to) {
        count += Math.floorDiv(to, step) - Math.floorDiv(from - 1, step);
      }
    }
    return count;
  }

  LongRanges intersect(LongRanges other) {
    List<Long> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (2 * i < bounds.length && 2 * j < other.bounds.length) {
      long lo = Math.max(bounds[2 * i], other.bounds[2 * j]);
      long hi = Math.min(bounds[2 * i + 1], other.bounds[2 * j + 1]);
      if (lo <= hi) {
        out.add(lo);
        out.add(hi);
      }
      if (bounds[2 * i + 1] < other.bounds[2 * j + 1]) {
        i++;
      } else {
        j++;
      }
    }
    return of(out);
  }

  LongRanges union(LongRanges other) {
    long[][] all = new long[bounds.length / 2 + other.bounds.length / 2][];
    int n = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      all[n++] = new long[] {bounds[i], bounds[i + 1]};
    }
    for (int i = 0; i < other.bounds.length; i += 2) {
      all[n++] = new long[] {other.bounds[i], other.bounds[i + 1]};
    }
    Arrays.sort(all, (a, b) -> Long.compare(a[0], b[0]));
    List<Long> out = new ArrayList<>();
    for (long[] range : all) {
      int last = out.size() - 1;
      if (last > 0 && (out.get(last) == Long.MAX_VALUE || range[0] <= out.get(last) + 1)) {
        out.set(last, Math.max(out.get(last), range[1]));
      } else {
        out.add(range[0]);
        out.add(range[1]);
      }
    }
    return of(out);
  }

  /** Index of the interval whose low bound is the greatest at or below {@code value}, or -1. */
  private int index(long value) {
    int low = 0;
    int high = bounds.length / 2 - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (bounds[2 * mid] <= value) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  private static LongRanges of(List<Long> values) {
    if (values.isEmpty()) {
      return NONE;
    }
    long[] bounds = new long[values.size()];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = values.get(i);
    }
    return new LongRanges(bounds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LongRanges other && Arrays.equals(bounds, other.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    if (isAll()) {
      return "all";
    }
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < bounds.length; i += 2) {
      text.append(i == 0 ? "" : ", ").append(bounds[i])
          .append("..").append(bounds[i + 1] == Long.MAX_VALUE ? "inf" : String.valueOf(bounds[i + 1]));
    }
    return text.append(']').toString();
  }
}
