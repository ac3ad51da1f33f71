package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.FileReadSource;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadSource;
import org.vhdspark.io.ReadWriteFile;

/**
 * Runs of sectors, split between builders by block as the Spark write's tasks get them, make an
 * image that holds exactly those sectors: their bytes, their bitmap bits (zeros too), nothing else.
 */
class TestFragmentBuilder {
  private static final int BLOCK = 32 * 1024;
  private static final int SECTORS_PER_BLOCK = BLOCK / 512;

  @TempDir
  Path dir;

  @Test
  void theImageHoldsExactlyTheSectorsGiven() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(40L * BLOCK + 512 * 5).withBlockSize(BLOCK);
    long sectors = spec.size() / 512;
    Random random = new Random(3);
    // Non-overlapping runs, some crossing blocks, some of zeros, one at the disk's last sector.
    TreeMap<Long, byte[]> runs = new TreeMap<>();
    for (long sector = random.nextInt(10); sector < sectors; sector += 1 + random.nextInt(300)) {
      int count = (int) Math.min(1 + random.nextInt(90), sectors - sector);
      byte[] bytes = new byte[count * 512];
      if (random.nextInt(4) > 0) {
        random.nextBytes(bytes);
      }
      runs.put(sector, bytes);
      sector += count;
    }
    // The disk's last sector too (dropping a run that reaches it).
    runs.headMap(sectors - 1).entrySet().removeIf(e -> e.getKey() + e.getValue().length / 512 > sectors - 1);
    runs.put(sectors - 1, new byte[512]);

    // Two "tasks": even blocks and odd blocks of the runs' first sectors, each run cut at its block's end.
    List<FragmentWriter> writers = new ArrayList<>();
    List<ReadWriteFile> files = new ArrayList<>();
    List<FragmentBuilder> builders = new ArrayList<>();
    for (int task = 0; task < 2; task++) {
      ReadWriteFile file = LocalFile.create(dir.resolve(".fragment-" + task));
      FragmentWriter writer = new FragmentWriter(file, spec);
      files.add(file);
      writers.add(writer);
      builders.add(new FragmentBuilder(writer, spec));
    }
    for (var run : runs.entrySet()) {
      long sector = run.getKey();
      byte[] bytes = run.getValue();
      // Each block belongs to one task, so a run crossing blocks is cut at the block's end, as Spark rows are.
      for (int at = 0; at < bytes.length; ) {
        long s = sector + at / 512;
        int n = (int) Math.min(bytes.length - at, (SECTORS_PER_BLOCK - s % SECTORS_PER_BLOCK) * 512);
        builders.get((int) (s / SECTORS_PER_BLOCK) % 2).add(s, ByteBuffer.wrap(bytes, at, n));
        at += n;
      }
    }
    for (FragmentBuilder builder : builders) {
      builder.finish();
    }
    for (ReadWriteFile file : files) {
      file.close();
    }
    Path image = join(spec, writers);

    byte[] expected = new byte[(int) spec.size()];
    boolean[] present = new boolean[(int) sectors];
    runs.forEach((sector, bytes) -> {
      System.arraycopy(bytes, 0, expected, (int) (sector * 512), bytes.length);
      Arrays.fill(present, (int) (long) sector, (int) (sector + bytes.length / 512), true);
    });
    try (VirtualDisk disk = VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults()))) {
      ByteBuffer all = ByteBuffer.allocate((int) disk.size());
      disk.read(0, all);
      assertThat(all.array()).isEqualTo(expected);
      BlockRuns blockRuns = new BlockRuns();
      for (int block = 0; block < disk.blockCount(); block++) {
        disk.runs(block, blockRuns);
        for (int i = 0; i < blockRuns.count(); i++) {
          for (long s = blockRuns.start(i); s < blockRuns.start(i) + blockRuns.length(i); s++) {
            assertThat(blockRuns.layer(i) == 0).as("sector %d held", s).isEqualTo(present[(int) s]);
          }
        }
      }
    }
  }

  @Test
  void aRunCrossingBlocksFillsBoth() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(4L * BLOCK).withBlockSize(BLOCK);
    Path file = dir.resolve(".fragment");
    FragmentWriter writer;
    try (ReadWriteFile out = LocalFile.create(file)) {
      writer = new FragmentWriter(out, spec);
      FragmentBuilder builder = new FragmentBuilder(writer, spec);
      byte[] bytes = new byte[4 * 512];
      Arrays.fill(bytes, (byte) 9);
      builder.add(SECTORS_PER_BLOCK - 2, ByteBuffer.wrap(bytes));
      builder.finish();
    }
    assertThat(writer.blocks()).containsExactly(0, 1);
  }

  @Test
  void badRunsAreRefusedNamingTheSector() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(4L * BLOCK).withBlockSize(BLOCK);
    try (ReadWriteFile out = LocalFile.create(dir.resolve(".fragment"))) {
      FragmentBuilder builder = new FragmentBuilder(new FragmentWriter(out, spec), spec);
      assertThatThrownBy(() -> builder.add(3, ByteBuffer.allocate(700)))
          .hasMessage("sector 3: 700 bytes, not a whole number of 512-byte sectors");
      assertThatThrownBy(() -> builder.add(4 * SECTORS_PER_BLOCK - 1, ByteBuffer.allocate(1024)))
          .hasMessage("sector 255: 2 sectors from there pass the end of the disk (256 sectors)");
      builder.add(10, ByteBuffer.allocate(4 * 512));
      assertThatThrownBy(() -> builder.add(12, ByteBuffer.allocate(512)))
          .hasMessage("sector 12 given twice, or out of order: sectors up to 13 were given before");
      assertThatThrownBy(() -> builder.add(-1, ByteBuffer.allocate(512))).hasMessageContaining("sector -1");
    }
  }

  @Test
  void paddedFragmentsAndHeadJoinAsTheSameDisk() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(6L * BLOCK).withBlockSize(BLOCK);
    long pad = 5L * BLOCK;
    List<FragmentedImage.Fragment> fragments = new ArrayList<>();
    List<ByteBuffer> pieces = new ArrayList<>();
    byte[] expected = new byte[(int) spec.size()];
    for (int task = 0; task < 2; task++) {
      Path file = dir.resolve(".padded-" + task);
      try (ReadWriteFile out = LocalFile.create(file)) {
        FragmentWriter writer = new FragmentWriter(out, spec);
        FragmentBuilder builder = new FragmentBuilder(writer, spec);
        for (int block = task; block < 6; block += 2) {
          byte[] bytes = new byte[512];
          Arrays.fill(bytes, (byte) (block + 1));
          builder.add(block * (long) SECTORS_PER_BLOCK + 3, ByteBuffer.wrap(bytes));
          System.arraycopy(bytes, 0, expected, (block * SECTORS_PER_BLOCK + 3) * 512, 512);
        }
        builder.finish();
        writer.padTo(pad);
        assertThat(writer.length()).isEqualTo(pad);
        fragments.add(new FragmentedImage.Fragment(writer.blocks(), writer.length()));
      }
      pieces.add(ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file)));
    }
    FragmentedImage image = FragmentedImage.of(spec, fragments, pad);
    assertThat(image.headLength()).isEqualTo(pad);
    // Joined by plain concatenation of the pieces, as HDFS concat and S3 part copies do.
    Path out = dir.resolve("padded.vhd");
    try (var channel = java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(image.head());
      for (ByteBuffer piece : pieces) {
        channel.write(piece);
      }
      channel.write(image.footer());
    }
    assertThat(java.nio.file.Files.size(out)).isEqualTo(image.size());
    try (VirtualDisk disk = VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(out), VhdOptions.defaults()))) {
      ByteBuffer all = ByteBuffer.allocate((int) disk.size());
      disk.read(0, all);
      assertThat(all.array()).isEqualTo(expected);
    }
  }

  @Test
  void aFragmentShorterThanItsBlocksIsRefused() {
    ImageSpec spec = ImageSpec.dynamic(4L * BLOCK).withBlockSize(BLOCK);
    assertThatThrownBy(() -> FragmentedImage.of(spec, List.of(new FragmentedImage.Fragment(new int[] {0, 1}, BLOCK)), 0))
        .hasMessageContaining("fragment 0 has 32768 bytes, its 2 blocks take 66560");
  }

  private Path join(ImageSpec spec, List<FragmentWriter> writers) throws IOException {
    FragmentedImage image = FragmentedImage.of(spec, writers.stream().map(FragmentWriter::blocks).toList());
    Path out = dir.resolve("built.vhd");
    List<ReadSource> sources = new ArrayList<>();
    try (ReadWriteFile file = LocalFile.create(out)) {
      for (int f = 0; f < writers.size(); f++) {
        sources.add(FileReadSource.open(dir.resolve(".fragment-" + f)));
      }
      image.copy(sources, file, 1 << 16);
    } finally {
      for (ReadSource source : sources) {
        source.close();
      }
    }
    return out;
  }
}
