package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadSource;
import org.vhdspark.testing.ForwardingReadSource;
import org.vhdspark.testing.ImageBuilder;

/**
 * A read that fails once (an HDFS or S3 hiccup) leaves nothing behind: the same disk, read again,
 * returns the right bytes, as a retrying task or writer would.
 */
class TestTransientReadFailure {
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void readAfterAFailedBitmapReadReturnsTheBlock() throws IOException {
    byte[] data = new byte[4096];
    Arrays.fill(data, (byte) 0x5a);
    Path image = ImageBuilder.dynamic(4L << 20).blockSize(1 << 20).write(2048 + 3, data).writeTo(dir.resolve("flaky.vhd"));
    AtomicInteger failuresLeft = new AtomicInteger();
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(flakyStore(failuresLeft), Location.of(image), VhdOptions.defaults()))) {
      ByteBuffer block = ByteBuffer.allocate(1 << 20);
      failuresLeft.set(1);
      assertThatThrownBy(() -> disk.read(1 << 20, block)).isInstanceOf(IOException.class).hasMessageContaining("injected");

      block.clear();
      assertTimeoutPreemptively(BOUND, () -> disk.read(1 << 20, block));
      assertThat(Arrays.copyOfRange(block.array(), 3 * 512, 3 * 512 + data.length)).isEqualTo(data);
      assertThat(block.array()[0]).isZero();
    }
  }

  @Test
  void runsAfterAFailedBitmapReadAreComputedAgain() throws IOException {
    Path image = ImageBuilder.dynamic(4L << 20).blockSize(1 << 20).write(2048 + 8, new byte[512 * 8]).writeTo(dir.resolve("flaky.vhd"));
    AtomicInteger failuresLeft = new AtomicInteger();
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(flakyStore(failuresLeft), Location.of(image), VhdOptions.defaults()))) {
      BlockRuns runs = disk.runs(0, new BlockRuns());
      failuresLeft.set(1);
      assertThatThrownBy(() -> disk.runs(1, runs)).isInstanceOf(IOException.class);
      assertThat(runs.block()).as("a failed computation claims no block").isEqualTo(-1);

      disk.runs(1, runs);
      assertThat(runs.block()).isEqualTo(1);
      assertThat(runs.count()).isEqualTo(3);
      assertThat(runs.start(1)).isEqualTo(2048 + 8);
      assertThat(runs.length(1)).isEqualTo(8);
      assertThat(runs.layer(1)).isZero();
    }
  }

  /** Local files whose reads fail while {@code failuresLeft} is positive. */
  private static ImageStore flakyStore(AtomicInteger failuresLeft) {
    return new ImageStore() {
      @Override
      public ReadSource open(Location location) throws IOException {
        return new ForwardingReadSource(LocalImageStore.INSTANCE.open(location)) {
          @Override
          public void readFully(long position, ByteBuffer dst) throws IOException {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              throw new IOException(name() + ": injected read failure at offset " + position);
            }
            super.readFully(position, dst);
          }
        };
      }

      @Override
      public boolean exists(Location location) {
        return Files.exists(Path.of(location.path()));
      }
    };
  }
}
