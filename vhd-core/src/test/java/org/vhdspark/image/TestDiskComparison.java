package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.ImageBuilder;

/**
 * Diffing two disks against a per-sector model of their contents, on random families of images:
 * an image and its ancestor, siblings of a common base, unrelated images with other sizes and block
 * sizes; in grids of several block sizes. Every changed sector is found with the image's bytes,
 * nothing else is; sectors both disks resolve to the same layer file are never read.
 */
class TestDiskComparison {
  private static final int[] BLOCK_SIZES = {4096, 32768, 65536};

  @TempDir
  Path dir;

  private record Layer(Path file, ImageBuilder builder, long allocatedBytes) {}

  @Test
  void changedSectorsMatchTheModel() throws IOException {
    for (int seed = 0; seed < 60; seed++) {
      Random random = new Random(seed);
      Path folder = Files.createDirectories(dir.resolve("seed" + seed));
      long sectors = 256 + random.nextInt(3000);
      Layer base = layer(folder, "base.vhd", null, sectors, random, random.nextInt(5) == 0);
      Layer a = base;
      long aOwnBytes = 0;
      for (int level = 0, depth = 1 + random.nextInt(3); level < depth; level++) {
        a = layer(folder, "a" + level + ".vhd", a, sectors, random, false);
        aOwnBytes += a.allocatedBytes();
      }
      // The base of the comparison: an ancestor of a, a sibling branch, or an unrelated image.
      int kind = random.nextInt(3);
      Layer b;
      if (kind == 0) {
        b = base;
      } else if (kind == 1) {
        b = layer(folder, "b0.vhd", base, sectors, random, false);
      } else {
        b = layer(folder, "other.vhd", null, sectors + random.nextInt(600) - 300, random, random.nextBoolean());
      }
      String context = "seed " + seed + " kind " + kind;
      for (int grid : new int[] {64, 128, 4096}) {
        check(a.file(), b.file(), grid, kind, aOwnBytes, context + " grid " + grid);
      }
    }
  }

  private void check(Path imageFile, Path baseFile, int grid, int kind, long imageOwnBytes, String context) throws IOException {
    try (VirtualDisk image = open(imageFile); VirtualDisk base = open(baseFile)) {
      long sectors = Math.max(image.sectorCount(), base.sectorCount());
      byte[] imageBytes = contents(image, sectors);
      byte[] baseBytes = contents(base, sectors);
      BitSet expected = new BitSet();
      for (int s = 0; s < sectors; s++) {
        if (Arrays.mismatch(imageBytes, s * 512, s * 512 + 512, baseBytes, s * 512, s * 512 + 512) >= 0) {
          expected.set(s);
        }
      }
      DiskComparison content = new DiskComparison(image, base, DiskComparison.Mode.CONTENT, grid);
      DiskComparison allocation = new DiskComparison(image, base, DiskComparison.Mode.ALLOCATION, grid);
      assertThat(content.sectorCount()).isEqualTo(sectors);
      BitSet found = new BitSet();
      BitSet overEstimate = new BitSet();
      BlockRuns runs = new BlockRuns();
      for (long block = 0; block < content.blockCount(); block++) {
        long first = block * grid;
        content.compare(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          int from = (int) runs.start(i);
          int to = from + runs.length(i);
          assertThat(found.get(from, to).isEmpty()).as(context + " each sector once").isTrue();
          found.set(from, to);
          int offset = (int) (runs.start(i) - first) * 512;
          assertThat(Arrays.copyOfRange(content.imageBytes(), offset, offset + runs.length(i) * 512))
              .as(context + " image bytes of sectors %d..%d", from, to - 1)
              .isEqualTo(Arrays.copyOfRange(imageBytes, from * 512, to * 512));
        }
        allocation.compare(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          overEstimate.set((int) runs.start(i), (int) runs.start(i) + runs.length(i));
        }
      }
      assertThat(found).as(context + " changed sectors").isEqualTo(expected);
      BitSet missed = (BitSet) expected.clone();
      missed.andNot(overEstimate);
      assertThat(missed.isEmpty()).as(context + " allocation compare over-estimates, never misses").isTrue();
      if (kind != 2) {
        assertThat(content.sharedLayers()).as(context).isPositive();
      }
      if (kind == 0) {
        // Against its ancestor: only the image's own layers, and the base beneath them, are read.
        assertThat(content.bytesRead()).as(context + " bytes read").isLessThanOrEqualTo(2 * imageOwnBytes);
      }
    }
  }

  private static VirtualDisk open(Path file) throws IOException {
    return VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(file), VhdOptions.defaults()));
  }

  private static byte[] contents(VirtualDisk disk, long sectors) throws IOException {
    byte[] bytes = new byte[(int) sectors * 512];
    disk.read(0, ByteBuffer.wrap(bytes, 0, (int) disk.size()));
    return bytes;
  }

  private static Layer layer(Path folder, String name, Layer parent, long sectors, Random random, boolean fixed)
      throws IOException {
    long size = sectors * 512;
    ImageBuilder builder = parent == null
        ? (fixed ? ImageBuilder.fixed(size) : ImageBuilder.dynamic(size))
        : ImageBuilder.differencing(size, parent.builder().uniqueId(), parent.file().getFileName().toString());
    int blockSize = fixed ? 2 << 20 : BLOCK_SIZES[random.nextInt(BLOCK_SIZES.length)];
    builder.blockSize(blockSize);
    java.util.Set<Long> blocks = new java.util.HashSet<>();
    for (int w = 0, writes = random.nextInt(10); w < writes; w++) {
      long start = random.nextInt((int) sectors);
      int count = 1 + random.nextInt((int) Math.min(sectors - start, 40));
      byte[] data = new byte[count * 512];
      if (random.nextInt(4) > 0) {
        random.nextBytes(data);
      }
      // Sometimes the same bytes as beneath: equal sectors held by different layers.
      builder.write(start, data);
      for (long s = start; s < start + count; s++) {
        blocks.add(s * 512 / blockSize);
      }
    }
    Path file = folder.resolve(name);
    builder.writeTo(file);
    return new Layer(file, builder, blocks.size() * (long) blockSize);
  }
}
