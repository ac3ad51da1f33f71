package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;

/** Chunks of a fixed image, written apart and concatenated, make the fixed image of those sectors. */
class TestFixedChunks {
  private static final int BLOCK = FixedChunks.BLOCK_BYTES;

  @TempDir
  Path dir;

  @Test
  void chunkSizesKeepThePartCountBounded() {
    assertThat(FixedChunks.of(8L << 30).chunkBytes()).isEqualTo(64L << 20);
    FixedChunks large = FixedChunks.of(2040L << 30);
    assertThat(large.chunkCount()).isLessThanOrEqualTo(FixedChunks.MAX_CHUNKS);
    assertThat(large.chunkBytes() % BLOCK).isZero();
  }

  @Test
  void chunksWrittenApartJoinAsTheFixedImage() throws IOException {
    // 3 chunks of 2 blocks; the disk ends inside the last block, so the last chunk is short.
    long size = 5L * BLOCK + 512 * 7;
    FixedChunks layout = new FixedChunks(size, 2L * BLOCK, UUID.randomUUID(), ImageSpec.now());
    assertThat(layout.chunkCount()).isEqualTo(3);
    byte[] expected = new byte[(int) size];
    Random random = new Random(5);
    Path image = dir.resolve("fixed.vhd");
    try (FileChannel joined = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int chunk = 0; chunk < layout.chunkCount(); chunk++) {
        Path piece = dir.resolve(".chunk-" + chunk);
        try (ReadWriteFile out = LocalFile.create(piece)) {
          FixedChunkWriter writer = new FixedChunkWriter(out, layout, chunk);
          FragmentBuilder builder = new FragmentBuilder(writer, size, BLOCK);
          long first = layout.chunkOffset(chunk) / 512;
          long end = first + layout.chunkDataLength(chunk) / 512;
          // Chunk 1 gets no sector at all: it is written as zeros.
          for (long sector = first + 5; chunk != 1 && sector < end; sector += 1000 + random.nextInt(3000)) {
            int count = (int) Math.min(1 + random.nextInt(20), end - sector);
            byte[] bytes = new byte[count * 512];
            random.nextBytes(bytes);
            builder.add(sector, ByteBuffer.wrap(bytes));
            System.arraycopy(bytes, 0, expected, (int) (sector * 512), bytes.length);
            sector += count;
          }
          builder.add(end - 1, ByteBuffer.wrap(fill(512, (byte) 7)));
          System.arraycopy(fill(512, (byte) 7), 0, expected, (int) ((end - 1) * 512), 512);
          builder.finish();
          writer.finish();
          assertThat(writer.length()).isEqualTo(layout.pieceLength(chunk));
        }
        joined.write(ByteBuffer.wrap(Files.readAllBytes(piece)));
      }
    }
    assertThat(Files.size(image)).isEqualTo(layout.imageSize());
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults()))) {
      assertThat(disk.chain().image().footer().diskType()).isEqualTo(DiskType.FIXED);
      ByteBuffer all = ByteBuffer.allocate((int) disk.size());
      disk.read(0, all);
      assertThat(all.array()).isEqualTo(expected);
    }
    assertThat(new ImageChecker(LocalImageStore.INSTANCE, VhdOptions.defaults()).check(Location.of(image))).isEmpty();
  }

  @Test
  void aBlockOutsideItsChunkIsRefused() throws IOException {
    FixedChunks layout = new FixedChunks(8L * BLOCK, 2L * BLOCK, UUID.randomUUID(), 0);
    try (ReadWriteFile out = LocalFile.create(dir.resolve(".chunk"))) {
      FixedChunkWriter writer = new FixedChunkWriter(out, layout, 1);
      assertThatThrownBy(() -> writer.addBlock(4, ByteBuffer.allocate(512), ByteBuffer.allocate(BLOCK)))
          .hasMessageContaining("block 4 is not in chunk 1");
    }
  }

  private static byte[] fill(int length, byte value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    return bytes;
  }
}
