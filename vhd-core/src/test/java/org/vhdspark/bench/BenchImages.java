package org.vhdspark.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.testing.ImageBuilder;

/**
 * The benchmark's images, streamed block by block and reproducible from a seed: a dynamic base with
 * about half its blocks allocated (full bitmaps, random data), and two differencing children that
 * each allocate about 40% of the blocks and store a few scattered 4 KiB-aligned runs in each (about
 * 9% of the disk's sectors per child), so most resolved blocks mix layers.
 */
final class BenchImages {
  static final String BASE = "base.vhd";
  static final String CHILD1 = "child1.vhd";
  static final String CHILD2 = "child2.vhd";

  private static final int BLOCK_SIZE = VhdFormat.DEFAULT_BLOCK_SIZE;
  private static final int CLUSTER_SECTORS = 8;
  private static final int CLUSTERS_PER_BLOCK = BLOCK_SIZE / VhdFormat.SECTOR_SIZE / CLUSTER_SECTORS;
  private static final double BASE_ALLOCATED = 0.5;
  private static final double CHILD_ALLOCATED = 0.4;
  private static final int CHILD_RUNS_PER_BLOCK = 10;
  private static final int CHILD_MAX_RUN_CLUSTERS = 32;

  private final long size;
  private final long seed;

  BenchImages(long size, long seed) {
    if (size <= 0 || size % BLOCK_SIZE != 0) {
      throw new IllegalArgumentException("size must be a positive multiple of " + BLOCK_SIZE + " bytes: " + size);
    }
    this.size = size;
    this.seed = seed;
  }

  /** Writes base, child1 and child2 into {@code dir} and prints what they hold. */
  void writeTo(Path dir) throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(size).creator("win ", 0x000a0000).blocks(new Source(0));
    write(base, dir.resolve(BASE), 0);
    UUID parent = base.uniqueId();
    String parentName = BASE;
    for (int layer = 1; layer <= 2; layer++) {
      ImageBuilder child = ImageBuilder.differencing(size, parent, parentName)
          .creator("win ", 0x000a0000)
          .blocks(new Source(layer));
      String name = layer == 1 ? CHILD1 : CHILD2;
      write(child, dir.resolve(name), layer);
      parent = child.uniqueId();
      parentName = name;
    }
  }

  private void write(ImageBuilder builder, Path file, int layer) throws IOException {
    long start = System.nanoTime();
    builder.writeTo(file);
    int blocks = builder.blockCount();
    int allocated = 0;
    long sectors = 0;
    for (int block = 0; block < blocks; block++) {
      byte[] bitmap = bitmap(layer, block);
      if (bitmap != null) {
        allocated++;
        for (byte b : bitmap) {
          sectors += Integer.bitCount(b & 0xFF);
        }
      }
    }
    System.out.printf("%-10s %,d of %,d blocks allocated, %.1f%% of the disk's sectors stored, %.1f s%n",
        file.getFileName(), allocated, blocks, 100.0 * sectors / (size / VhdFormat.SECTOR_SIZE),
        (System.nanoTime() - start) / 1e9);
  }

  /** The on-disk bitmap of {@code block} in layer 0 (base), 1 or 2, or null when unallocated. */
  byte[] bitmap(int layer, int block) {
    SplittableRandom random = random(layer, block, 0);
    byte[] bitmap = new byte[VhdFormat.bitmapBytes(BLOCK_SIZE)];
    if (layer == 0) {
      if (random.nextDouble() >= BASE_ALLOCATED) {
        return null;
      }
      Arrays.fill(bitmap, 0, CLUSTERS_PER_BLOCK, (byte) 0xFF);
      return bitmap;
    }
    if (random.nextDouble() >= CHILD_ALLOCATED) {
      return null;
    }
    // One bitmap byte is one 4 KiB cluster: the runs are what a file system writing clusters leaves.
    for (int run = 0; run < CHILD_RUNS_PER_BLOCK; run++) {
      int first = random.nextInt(CLUSTERS_PER_BLOCK);
      int end = Math.min(CLUSTERS_PER_BLOCK, first + 1 + random.nextInt(CHILD_MAX_RUN_CLUSTERS));
      Arrays.fill(bitmap, first, end, (byte) 0xFF);
    }
    return bitmap;
  }

  private SplittableRandom random(int layer, int block, int purpose) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + layer * 1_000_003L + block * 31L + purpose);
  }

  /** Streams one layer's blocks, reusing one data array (the builder writes each block at once). */
  private final class Source implements ImageBuilder.BlockSource {
    private final int layer;
    private final byte[] data = new byte[BLOCK_SIZE];
    private final ByteBuffer dataView = ByteBuffer.wrap(data);

    Source(int layer) {
      this.layer = layer;
    }

    @Override
    public ImageBuilder.Block block(int index) {
      byte[] bitmap = bitmap(layer, index);
      if (bitmap == null) {
        return null;
      }
      SplittableRandom random = random(layer, index, 1);
      for (int i = 0; i < data.length; i += Long.BYTES) {
        dataView.putLong(i, random.nextLong());
      }
      return new ImageBuilder.Block(bitmap, data);
    }
  }
}
