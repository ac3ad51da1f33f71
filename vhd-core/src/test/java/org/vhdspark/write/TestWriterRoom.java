package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.Finding;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.format.Bat;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;
import org.vhdspark.testing.FailingFile;
import org.vhdspark.testing.ForwardingReadWriteFile;
import org.vhdspark.testing.ImageBuilder;

/**
 * Where {@link VhdWriter} puts new blocks and its footer: room for many blocks reserved with one
 * footer write and one sync, given back at close, and reused by the next writer when a run stopped
 * before giving it back.
 */
class TestWriterRoom {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;
  private static final long SIZE = 64L << 20;
  private static final int BLOCK = 64 << 10;
  private static final long BLOCK_BYTES = BLOCK + 512;

  @TempDir
  Path dir;

  @Test
  void manyNewBlocksCostOneFooterMoveAndTheFileEndsRightAfterTheLastBlock() throws IOException {
    Location image = create();
    long empty = Files.size(image.toPath());
    Recording file = new Recording(LocalFile.openForUpdate(image.toPath()));
    try (VhdWriter writer = VhdWriter.open(STORE, image, VhdOptions.defaults(), file)) {
      for (int block = 0; block < 300; block++) {
        writer.write((long) block * 3 * BLOCK + 1000, ByteBuffer.wrap(random(700, block)));
      }
    }
    // Room for 64 MiB of blocks at once: one footer moved ahead, then back at close.
    long roomEnd = empty - 512 + (64L << 20) / BLOCK_BYTES * BLOCK_BYTES;
    assertThat(file.footerWrites()).containsExactly(roomEnd, empty - 512 + 300 * BLOCK_BYTES);
    assertThat(file.syncs).isEqualTo(4);
    assertThat(file.truncations).containsExactly(empty + 300 * BLOCK_BYTES);
    assertThat(Files.size(image.toPath())).isEqualTo(lastBlockEnd(image) + 512);
    assertNoErrors(image);
  }

  @Test
  void writesIntoAllocatedBlocksLeaveTheFileAsLongAsItWas() throws IOException {
    Location image = create();
    try (VhdWriter writer = VhdWriter.open(STORE, image, VhdOptions.defaults())) {
      writer.write(0, ByteBuffer.wrap(random(3 * BLOCK, 1)));
    }
    long size = Files.size(image.toPath());
    Recording file = new Recording(LocalFile.openForUpdate(image.toPath()));
    try (VhdWriter writer = VhdWriter.open(STORE, image, VhdOptions.defaults(), file)) {
      writer.write(BLOCK + 5, ByteBuffer.wrap(random(BLOCK, 2)));
    }
    assertThat(file.footerWrites()).isEmpty();
    assertThat(file.truncations).isEmpty();
    assertThat(Files.size(image.toPath())).isEqualTo(size);
  }

  /** A writer stopped after moving its footer: the next one puts its blocks into that room, then gives the rest back. */
  @Test
  void theNextWriterFillsTheRoomAStoppedOneLeft() throws IOException {
    Location image = create();
    long empty = Files.size(image.toPath());
    // Footer moved ahead, synced, the block written; the sync before its BAT entry fails.
    FailingFile stopped = new FailingFile(LocalFile.openForUpdate(image.toPath()), 3, 0);
    assertThatThrownBy(() -> {
      try (VhdWriter writer = VhdWriter.open(STORE, image, VhdOptions.defaults(), stopped)) {
        writer.write(10L * BLOCK, ByteBuffer.wrap(random(512, 3)));
      }
    }).isInstanceOf(FailingFile.CrashException.class);
    long withRoom = Files.size(image.toPath());
    assertThat(withRoom).isGreaterThan(empty + 100 * BLOCK_BYTES);
    assertNoErrors(image);

    Recording file = new Recording(LocalFile.openForUpdate(image.toPath()));
    try (VhdWriter writer = VhdWriter.open(STORE, image, VhdOptions.defaults(), file)) {
      writer.write(20L * BLOCK, ByteBuffer.wrap(random(512, 4)));
      writer.write(30L * BLOCK, ByteBuffer.wrap(random(512, 5)));
      assertThat(Files.size(image.toPath())).as("the room is reused, the file does not grow").isEqualTo(withRoom);
    }
    assertThat(file.blockWrites).containsExactly(empty - 512, empty - 512 + BLOCK_BYTES);
    assertThat(Files.size(image.toPath())).isEqualTo(empty + 2 * BLOCK_BYTES);
    assertNoErrors(image);
  }

  /** blktap's hidden flag (footer byte 85) moves with the footer: the copy at offset 0 still matches. */
  @Test
  void theFooterMovesByteForByte() throws IOException {
    Path path = dir.resolve("hidden.vhd");
    byte[] bytes = ImageBuilder.dynamic(SIZE).blockSize(BLOCK).withBatmap().toBytes();
    ImagePatch patch = ImagePatch.of(bytes);
    for (long footer : new long[] {0, patch.endFooterOffset()}) {
      patch.put(footer + 85, new byte[] {1}).sealFooter(footer);
    }
    Files.write(path, bytes);
    byte[] footer = Arrays.copyOfRange(bytes, bytes.length - 512, bytes.length);
    try (VhdWriter writer = VhdWriter.open(STORE, Location.of(path), VhdOptions.defaults())) {
      writer.write(5L * BLOCK, ByteBuffer.wrap(random(4096, 6)));
    }
    byte[] written = Files.readAllBytes(path);
    assertThat(written.length).isEqualTo(bytes.length + BLOCK_BYTES);
    assertThat(Arrays.copyOfRange(written, written.length - 512, written.length)).isEqualTo(footer);
    assertThat(new ImageChecker(STORE, VhdOptions.defaults()).check(Location.of(path))).isEmpty();
  }

  private Location create() throws IOException {
    Location image = Location.of(dir.resolve("image.vhd"));
    AtomicOutput.write(STORE, image, file -> {
      ImageCreator.create(file, ImageSpec.dynamic(SIZE).withBlockSize(BLOCK));
      return null;
    });
    return image;
  }

  private static long lastBlockEnd(Location image) throws IOException {
    try (VhdChain chain = VhdChain.openImageOnly(STORE, image, VhdOptions.defaults())) {
      Bat bat = chain.image().bat().orElseThrow();
      long end = 0;
      for (int block = 0; block < bat.size(); block++) {
        end = bat.isAllocated(block) ? Math.max(end, bat.bitmapOffset(block) + BLOCK_BYTES) : end;
      }
      return end;
    }
  }

  private static void assertNoErrors(Location image) throws IOException {
    assertThat(new ImageChecker(STORE, VhdOptions.defaults()).check(image))
        .noneMatch(finding -> finding.severity() == Finding.Severity.ERROR);
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Records where footers and new blocks are written, the truncations and the syncs. */
  private static final class Recording extends ForwardingReadWriteFile {
    private final ReadWriteFile delegate;
    final List<Long> footers = new ArrayList<>();
    final List<Long> blockWrites = new ArrayList<>();
    final List<Long> truncations = new ArrayList<>();
    int syncs;

    Recording(ReadWriteFile delegate) {
      super(delegate);
      this.delegate = delegate;
    }

    /** Offsets of the footers written, the copy at offset 0 aside. */
    List<Long> footerWrites() {
      return footers;
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
      if (src.remaining() == VhdFormat.FOOTER_SIZE && src.get(src.position()) == 'c' && position > 0) {
        footers.add(position);
      } else if (src.remaining() == BLOCK_BYTES) {
        blockWrites.add(position);
      }
      delegate.write(position, src);
    }

    @Override
    public void truncate(long size) throws IOException {
      truncations.add(size);
      delegate.truncate(size);
    }

    @Override
    public void sync() throws IOException {
      syncs++;
      delegate.sync();
    }
  }
}
