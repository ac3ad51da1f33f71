package org.vhdspark.image;

/**
 * The runs of one block of a virtual disk: consecutive sectors with one owner, the layer whose file
 * holds them ({@link #ZEROS} when no layer does). Reused from block to block; nothing is allocated
 * per run.
 */
public final class BlockRuns {
  /** Layer of a run that no layer holds: it reads as zeros. */
  public static final int ZEROS = -1;

  private int block = -1;
  private int count;
  private long[] starts;
  private int[] lengths;
  private int[] layers;

  public BlockRuns() {
    this(16);
  }

  BlockRuns(int capacity) {
    starts = new long[capacity];
    lengths = new int[capacity];
    layers = new int[capacity];
  }

  /** The block these runs belong to. */
  public int block() {
    return block;
  }

  public int count() {
    return count;
  }

  /** First virtual sector of run {@code i}. */
  public long start(int i) {
    return starts[i];
  }

  /** Sectors in run {@code i}. */
  public int length(int i) {
    return lengths[i];
  }

  /** Owner of run {@code i}: 0 for the image, 1 for its parent, ..., or {@link #ZEROS}. */
  public int layer(int i) {
    return layers[i];
  }

  /** Index of the run holding {@code sector}, which must lie in this block. */
  public int find(long sector) {
    int low = 0;
    int high = count - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (starts[mid] <= sector) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  void reset(int block) {
    this.block = block;
    count = 0;
  }

  void invalidate() {
    block = -1;
    count = 0;
  }

  void add(long start, int length, int layer) {
    if (count > 0 && layers[count - 1] == layer && starts[count - 1] + lengths[count - 1] == start) {
      lengths[count - 1] += length;
      return;
    }
    if (count == starts.length) {
      int capacity = count * 2;
      starts = java.util.Arrays.copyOf(starts, capacity);
      lengths = java.util.Arrays.copyOf(lengths, capacity);
      layers = java.util.Arrays.copyOf(layers, capacity);
    }
    starts[count] = start;
    lengths[count] = length;
    layers[count] = layer;
    count++;
  }
}
