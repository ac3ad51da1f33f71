package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.ImageBuilder;

/**
 * The run computation against a plain per-sector model, on random chains: random depths, base types,
 * block sizes (also differing between layers, and below 64 sectors), disk sizes that end mid-block,
 * batmaps, and random writes. Every sector's owner and every byte must match the model.
 */
class TestRunsProperty {
  private static final int[] BLOCK_SIZES = {4096, 8192, 32768, 65536, 512 * 1024};

  @TempDir
  Path dir;

  @Test
  void runsAndReadsMatchPerSectorModel() throws IOException {
    for (int seed = 0; seed < 150; seed++) {
      checkRandomChain(seed);
    }
  }

  private void checkRandomChain(int seed) throws IOException {
    Random random = new Random(seed);
    Path folder = dir.resolve("seed" + seed);
    java.nio.file.Files.createDirectories(folder);
    long sectors = 64 + random.nextInt(4000);
    int depth = 1 + random.nextInt(4);
    // model.get(k): sector -> data written in layer k (k = 0 is the base here; reversed below)
    List<Map<Long, byte[]>> written = new ArrayList<>();
    boolean fixedBase = random.nextInt(4) == 0;
    ImageBuilder previous = null;
    String previousName = null;
    for (int level = 0; level < depth; level++) {
      long size = sectors * 512;
      ImageBuilder builder = level == 0
          ? (fixedBase ? ImageBuilder.fixed(size) : ImageBuilder.dynamic(size))
          : ImageBuilder.differencing(size, previous.uniqueId(), previousName);
      int blockSize = fixedBase && level == 0 ? 2 << 20 : BLOCK_SIZES[random.nextInt(BLOCK_SIZES.length)];
      builder.blockSize(blockSize);
      if (level > 0 && random.nextBoolean()) {
        builder.withBatmap();
      }
      Map<Long, byte[]> layer = new HashMap<>();
      int writes = random.nextInt(12);
      for (int w = 0; w < writes; w++) {
        long start = random.nextInt((int) sectors);
        int count = 1 + random.nextInt((int) Math.min(sectors - start, random.nextBoolean() ? 16 : blockSize / 512 * 2));
        if (random.nextInt(8) == 0) {
          count = blockSize / 512;
          start = (random.nextInt((int) sectors) / count) * count;
          count = (int) Math.min(count, sectors - start);
        }
        byte[] data = new byte[count * 512];
        if (random.nextInt(5) > 0) {
          random.nextBytes(data);
        }
        builder.write(start, data);
        for (int i = 0; i < count; i++) {
          layer.put(start + i, java.util.Arrays.copyOfRange(data, i * 512, i * 512 + 512));
        }
      }
      if (fixedBase && level == 0) {
        for (long s = 0; s < sectors; s++) {
          layer.putIfAbsent(s, new byte[512]);
        }
      }
      String name = "layer" + level + ".vhd";
      builder.writeTo(folder.resolve(name));
      written.add(layer);
      previous = builder;
      previousName = name;
    }
    java.util.Collections.reverse(written);

    String context = "seed " + seed + " (depth " + depth + ", " + sectors + " sectors, fixed base " + fixedBase + ")";
    Location top = Location.of(folder.resolve(previousName));
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, top, VhdOptions.defaults()))) {
      assertThat(disk.sectorCount()).as(context).isEqualTo(sectors);
      checkRuns(disk, written, context);
      checkReads(disk, written, random, context);
    }
    try (VirtualDisk delta = VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, top, VhdOptions.defaults()))) {
      checkRuns(delta, written.subList(0, 1), context + " delta");
      checkReads(delta, written.subList(0, 1), random, context + " delta");
    }
  }

  private static int owner(List<Map<Long, byte[]>> layers, long sector) {
    for (int k = 0; k < layers.size(); k++) {
      if (layers.get(k).containsKey(sector)) {
        return k;
      }
    }
    return BlockRuns.ZEROS;
  }

  private static void checkRuns(VirtualDisk disk, List<Map<Long, byte[]>> layers, String context) throws IOException {
    BlockRuns runs = new BlockRuns();
    long next = 0;
    for (int block = 0; block < disk.blockCount(); block++) {
      disk.runs(block, runs);
      for (int i = 0; i < runs.count(); i++) {
        assertThat(runs.start(i)).as(context + " run start").isEqualTo(next);
        assertThat(runs.length(i)).as(context + " run length").isPositive();
        if (i > 0) {
          assertThat(runs.layer(i)).as(context + " adjacent runs merged").isNotEqualTo(runs.layer(i - 1));
        }
        for (long s = runs.start(i); s < runs.start(i) + runs.length(i); s++) {
          assertThat(runs.layer(i)).as(context + " owner of sector " + s).isEqualTo(owner(layers, s));
        }
        next += runs.length(i);
      }
      assertThat(next).as(context + " block end").isEqualTo(Math.min(disk.sectorCount(), (long) (block + 1) * disk.sectorsPerBlock()));
    }
    assertThat(next).isEqualTo(disk.sectorCount());
  }

  private static void checkReads(VirtualDisk disk, List<Map<Long, byte[]>> layers, Random random, String context)
      throws IOException {
    byte[] expected = new byte[(int) disk.size()];
    for (long s = 0; s < disk.sectorCount(); s++) {
      int owner = owner(layers, s);
      if (owner != BlockRuns.ZEROS) {
        System.arraycopy(layers.get(owner).get(s), 0, expected, (int) (s * 512), 512);
      }
    }
    ByteBuffer whole = ByteBuffer.allocate(expected.length);
    disk.read(0, whole);
    assertThat(whole.array()).as(context + " whole disk").isEqualTo(expected);
    for (int i = 0; i < 20; i++) {
      int offset = random.nextInt(expected.length);
      int length = random.nextInt(Math.min(expected.length - offset, 70_000) + 1);
      ByteBuffer part = ByteBuffer.allocate(length);
      disk.read(offset, part);
      assertThat(part.array()).as(context + " read " + length + " at " + offset)
          .isEqualTo(java.util.Arrays.copyOfRange(expected, offset, offset + length));
    }
  }
}
