package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/**
 * Random writes (any offset and length, zeros, overlaps, block boundaries, first and last sector)
 * into dynamic and fixed images and chains of several levels, mirrored in an in-memory model; after
 * each sequence the image is reopened from disk and every byte and every sector's owner compared.
 */
class TestWriterProperty {
  private static final int[] BLOCK_SIZES = {4096, 32768, 512 * 1024, 2 << 20};

  @TempDir
  Path dir;

  @Test
  void randomWritesMatchModel() throws IOException {
    for (int seed = 0; seed < 60; seed++) {
      run(seed);
    }
  }

  /** What the model knows of one layer: which sectors it stores and which of its blocks exist. */
  private static final class LayerModel {
    final boolean[] present;
    final boolean[] allocated;
    final int sectorsPerBlock;

    LayerModel(int sectors, int sectorsPerBlock, boolean fixed) {
      this.present = new boolean[sectors];
      this.sectorsPerBlock = sectorsPerBlock;
      this.allocated = new boolean[(sectors + sectorsPerBlock - 1) / sectorsPerBlock];
      if (fixed) {
        Arrays.fill(present, true);
        Arrays.fill(allocated, true);
      }
    }
  }

  private void run(int seed) throws IOException {
    Random random = new Random(seed);
    Path folder = java.nio.file.Files.createDirectories(dir.resolve("seed" + seed));
    int sectors = 8 + random.nextInt(6000);
    long size = sectors * 512L;
    boolean fixed = random.nextInt(4) == 0;
    int blockSize = BLOCK_SIZES[random.nextInt(BLOCK_SIZES.length)];
    Location base = Location.of(folder.resolve("level0.vhd"));
    try (LocalFile file = LocalFile.create(base.toPath())) {
      if (fixed) {
        ImageCreator.createFixed(file, size);
      } else {
        ImageCreator.create(file, ImageSpec.dynamic(size).withBlockSize(blockSize));
      }
    }
    byte[] content = new byte[(int) size];
    List<LayerModel> layers = new ArrayList<>(); // index 0 = the base here
    layers.add(new LayerModel(sectors, fixed ? 4096 : blockSize / 512, fixed));
    Location top = base;
    int levels = 1 + random.nextInt(3);
    for (int level = 0; level < levels; level++) {
      if (level > 0) {
        Location child = Location.of(folder.resolve("level" + level + ".vhd"));
        try (VhdChain parentChain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, top, VhdOptions.defaults());
            LocalFile file = LocalFile.create(child.toPath())) {
          ImageCreator.create(file, ImageSpec.childOf(parentChain.image(), top, child));
          layers.add(new LayerModel(sectors, Math.min(parentChain.image().blockSize(), 2 << 20) / 512, false));
        }
        top = child;
      }
      String context = "seed " + seed + " level " + level + " (" + sectors + " sectors, fixed base " + fixed
          + ", block " + blockSize + ")";
      try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, top, VhdOptions.defaults())) {
        int writes = 1 + random.nextInt(25);
        for (int w = 0; w < writes; w++) {
          long offset;
          int length;
          switch (random.nextInt(5)) {
            case 0 -> { offset = 0; length = 1 + random.nextInt(2000); }
            case 1 -> { length = 1 + random.nextInt(2000); offset = size - length; }
            case 2 -> { offset = random.nextInt((int) size); length = 1 + random.nextInt(700); }
            default -> { offset = random.nextInt((int) size); length = 1 + random.nextInt(blockSize * 2 + 3); }
          }
          length = (int) Math.min(length, size - offset);
          byte[] data = new byte[length];
          if (random.nextInt(4) > 0) {
            random.nextBytes(data);
          }
          applyToModel(layers, content, offset, data);
          writer.write(offset, ByteBuffer.wrap(data));
        }
      }
      verify(top, layers, content, context);
    }
  }

  /** The writer's rules, stated plainly per sector and per block. */
  private static void applyToModel(List<LayerModel> layers, byte[] content, long offset, byte[] data) {
    LayerModel top = layers.get(layers.size() - 1);
    int spb = top.sectorsPerBlock;
    long end = offset + data.length;
    System.arraycopy(data, 0, content, (int) offset, data.length);
    long at = offset;
    while (at < end) {
      int block = (int) (at / 512 / spb);
      long blockEnd = Math.min(end, (long) (block + 1) * spb * 512);
      int firstSector = (int) (at / 512);
      int lastSector = (int) ((blockEnd - 1) / 512);
      boolean skip = false;
      if (!top.allocated[block]) {
        boolean zeros = true;
        for (long b = (long) firstSector * 512; b < (long) (lastSector + 1) * 512 && zeros; b++) {
          zeros = content[(int) b] == 0;
        }
        boolean ancestorHolds = false;
        for (int k = 0; k < layers.size() - 1 && !ancestorHolds; k++) {
          LayerModel layer = layers.get(k);
          for (int s = firstSector; s <= lastSector && !ancestorHolds; s++) {
            ancestorHolds = layer.allocated[s / layer.sectorsPerBlock];
          }
        }
        skip = zeros && !ancestorHolds;
      }
      if (!skip) {
        top.allocated[block] = true;
        for (int s = firstSector; s <= lastSector; s++) {
          top.present[s] = true;
        }
      }
      at = blockEnd;
    }
  }

  private static void verify(Location top, List<LayerModel> layers, byte[] content, String context) throws IOException {
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, top, VhdOptions.defaults()))) {
      assertThat(disk.chain().findings()).as(context + " findings").isEmpty();
      ByteBuffer all = ByteBuffer.allocate(content.length);
      disk.read(0, all);
      assertThat(Arrays.mismatch(all.array(), content)).as(context + " first differing byte").isEqualTo(-1);
      BlockRuns runs = new BlockRuns();
      for (int block = 0; block < disk.blockCount(); block++) {
        disk.runs(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          for (long s = runs.start(i); s < runs.start(i) + runs.length(i); s++) {
            int expected = BlockRuns.ZEROS;
            for (int k = layers.size() - 1; k >= 0; k--) {
              if (layers.get(k).present[(int) s]) {
                expected = layers.size() - 1 - k;
                break;
              }
            }
            assertThat(runs.layer(i)).as(context + " owner of sector " + s).isEqualTo(expected);
          }
        }
      }
    }
    assertThat(VhdFormat.SECTOR_SIZE).isEqualTo(512);
  }
}
