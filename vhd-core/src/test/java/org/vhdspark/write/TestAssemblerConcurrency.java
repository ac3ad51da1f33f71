package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;
import org.vhdspark.io.WriteSink;

/** finish() never publishes a BAT entry whose block another thread is still writing, or failed to write. */
class TestAssemblerConcurrency {
  private static final int BLOCK = 64 * 1024;

  @TempDir
  Path dir;

  @Test
  void finishWaitsForABlockBeingWritten() throws Exception {
    Path image = dir.resolve("assembled.vhd");
    CountDownLatch dataWriteStarted = new CountDownLatch(1);
    CountDownLatch releaseDataWrite = new CountDownLatch(1);
    try (ReadWriteFile file = LocalFile.create(image)) {
      WriteSink slowData = new HeldSink(file, BLOCK, dataWriteStarted, releaseDataWrite);
      ImageAssembler assembler = ImageAssembler.begin(slowData, ImageSpec.dynamic(4L * BLOCK).withBlockSize(BLOCK));
      byte[] data = filled(BLOCK, (byte) 7);
      Thread writer = new Thread(() -> {
        try {
          assembler.addBlock(2, bitmapOfAllSectors(), ByteBuffer.wrap(data));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      writer.start();
      assertThat(dataWriteStarted.await(20, TimeUnit.SECONDS)).isTrue();
      Thread finisher = new Thread(() -> {
        try {
          assembler.finish();
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      finisher.start();
      while (finisher.getState() != Thread.State.WAITING && finisher.getState() != Thread.State.TERMINATED) {
        Thread.onSpinWait();
      }
      assertThat(finisher.getState()).as("finish waits for the block in flight").isEqualTo(Thread.State.WAITING);
      releaseDataWrite.countDown();
      writer.join(20_000);
      finisher.join(20_000);
      assertThat(finisher.isAlive()).isFalse();
    }
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults()))) {
      ByteBuffer block = ByteBuffer.allocate(BLOCK);
      disk.read(2L * BLOCK, block);
      assertThat(block.array()).isEqualTo(filled(BLOCK, (byte) 7));
    }
  }

  @Test
  void aBlockThatFailedToWriteStopsFinish() throws IOException {
    Path image = dir.resolve("failed.vhd");
    try (ReadWriteFile file = LocalFile.create(image)) {
      boolean[] failData = {false};
      WriteSink failing = new WriteSink() {
        @Override
        public String name() {
          return file.name();
        }

        @Override
        public void write(long position, ByteBuffer src) throws IOException {
          if (failData[0] && src.remaining() == BLOCK) {
            throw new IOException(file.name() + ": injected write failure");
          }
          file.write(position, src);
        }

        @Override
        public void sync() throws IOException {
          file.sync();
        }

        @Override
        public void close() {}
      };
      ImageAssembler assembler = ImageAssembler.begin(failing, ImageSpec.dynamic(4L * BLOCK).withBlockSize(BLOCK));
      failData[0] = true;
      assertThatThrownBy(() -> assembler.addBlock(1, bitmapOfAllSectors(), ByteBuffer.allocate(BLOCK)))
          .hasMessageContaining("injected");
      assertThatThrownBy(assembler::finish).isInstanceOf(IOException.class).hasMessageContaining("a block failed to write");
      assertThatThrownBy(assembler::finish).as("a second finish does not pass for success").isInstanceOf(IOException.class);
    }
  }

  /** A block's bitmap (one sector) with the bits of its 128 sectors set. */
  private static ByteBuffer bitmapOfAllSectors() {
    byte[] bitmap = new byte[512];
    Arrays.fill(bitmap, 0, BLOCK / 512 / 8, (byte) 0xFF);
    return ByteBuffer.wrap(bitmap);
  }

  private static byte[] filled(int length, byte value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, value);
    return bytes;
  }

  /** Passes writes through, but holds the first write of {@code heldSize} bytes until released. */
  private static final class HeldSink implements WriteSink {
    private final WriteSink delegate;
    private final int heldSize;
    private final CountDownLatch started;
    private final CountDownLatch release;

    HeldSink(WriteSink delegate, int heldSize, CountDownLatch started, CountDownLatch release) {
      this.delegate = delegate;
      this.heldSize = heldSize;
      this.started = started;
      this.release = release;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
      if (src.remaining() == heldSize && started.getCount() > 0) {
        started.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException();
        }
      }
      delegate.write(position, src);
    }

    @Override
    public void sync() throws IOException {
      delegate.sync();
    }

    @Override
    public void close() {}
  }
}
