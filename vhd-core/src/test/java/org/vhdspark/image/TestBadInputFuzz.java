package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.vhdspark.image.TestBadInputSupport.sectors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.ImagePatch;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.ImageBuilder;

/**
 * Seeded random damage to valid images: flipped bytes in the first 4 KiB (footer copy, header, BAT,
 * batmap, locators) and in the footer, planted boundary values, truncation. Every damaged file is
 * opened and its delta view read entirely: with checksums verified, unverified, and unverified with the
 * size taken from the CHS geometry. The only acceptable outcomes are success or an {@link IOException}
 * naming the file, without a read outside the file or a large allocation. A failure names the seed:
 * rerun it with {@code -Dvhd.fuzz.seed=<seed> -Dvhd.fuzz.count=1}.
 */
class TestBadInputFuzz {
  private static final Location LOCATION = Location.parse("/mem/fuzz.vhd");
  private static final long SEED = Long.getLong("vhd.fuzz.seed", 0x5EED_0000L);
  private static final int COUNT = Integer.getInteger("vhd.fuzz.count", 1500);
  /** Far above what opening and reading these few-KiB files needs; far below what a field could ask for. */
  private static final long ALLOCATION_LIMIT = 8 << 20;
  private static final int[] BOUNDARY_INTS = {0, 1, -1, 2, 3, 4, 511, 512, 513, 1024, 1536, 4096, 0x00010000,
      0x00010002, 0x00010003, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFF000000, 1 << 28};

  private final ByteBuffer readBuffer = ByteBuffer.allocate(64 << 10);
  private final BlockRuns runs = new BlockRuns();

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "batmap", "differencing", "fixed"})
  @Timeout(60)
  void damagedImagesFailCleanlyOrRead(String kind) throws IOException {
    byte[] valid = image(kind);
    VhdOptions[] modes = {VhdOptions.defaults(), VhdOptions.defaults().withoutChecksumVerification(),
        VhdOptions.defaults().withoutChecksumVerification().withSizeFromChs()};
    int[] opened = new int[modes.length];
    PrintStream err = System.err;
    // The reader logs a warning whenever it falls back to the footer copy: thousands of times here.
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    try {
      for (int i = 0; i < COUNT; i++) {
        long seed = SEED + i;
        Random random = new Random(seed ^ kind.hashCode());
        StringBuilder how = new StringBuilder();
        byte[] damaged = damage(valid, random, how);
        for (int mode = 0; mode < modes.length; mode++) {
          opened[mode] += openAndRead(damaged, modes[mode], seed, kind, how);
        }
      }
    } finally {
      System.setErr(err);
    }
    // The damage must leave enough images readable that reading, not just opening, is exercised.
    assertThat(opened[0]).as("opened with checksums verified").isGreaterThanOrEqualTo(COUNT / 20);
    assertThat(opened[1]).as("opened with checksums unverified").isGreaterThanOrEqualTo(COUNT / 10);
    assertThat(opened[2]).as("opened with CHS sizing").isGreaterThanOrEqualTo(COUNT / 10);
  }

  private int openAndRead(byte[] image, VhdOptions options, long seed, String kind, CharSequence how) {
    AtomicInteger readsOutside = new AtomicInteger();
    ImageStore store = ByteArrayReadSource.store(LOCATION, image, readsOutside);
    int opened = 0;
    long before = TestBadInputSupport.allocatedBytes();
    try (VirtualDisk disk = VirtualDisk.delta(VhdChain.openImageOnly(store, LOCATION, options))) {
      opened = 1;
      readAll(disk);
    } catch (IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains(LOCATION.toString())) {
        fail(context(seed, kind, how, options) + ": message does not name the file", e);
      }
    } catch (Throwable t) {
      fail(context(seed, kind, how, options) + ": " + t, t);
    }
    long allocated = TestBadInputSupport.allocatedBytes() - before;
    if (readsOutside.get() > 0) {
      fail(context(seed, kind, how, options) + ": " + readsOutside.get() + " reads outside the file");
    }
    if (allocated > ALLOCATION_LIMIT) {
      fail(context(seed, kind, how, options) + ": " + allocated + " bytes allocated");
    }
    return opened;
  }

  private static String context(long seed, String kind, CharSequence how, VhdOptions options) {
    return "seed " + seed + " (" + kind + ", " + how + "checksums " + (options.verifyChecksums() ? "on" : "off")
        + (options.sizeFromChs() ? ", CHS size" : "") + ")";
  }

  /** Every run of every block, and the bytes of every block some layer holds (the rest reads as zeros). */
  private void readAll(VirtualDisk disk) throws IOException {
    for (int block = 0; block < disk.blockCount(); block++) {
      disk.runs(block, runs);
      if (!disk.isBlockAllocatedAnywhere(block)) {
        continue;
      }
      long start = (long) block * disk.sectorsPerBlock() * 512;
      long end = Math.min(disk.size(), start + disk.sectorsPerBlock() * 512L);
      for (long offset = start; offset < end; offset += readBuffer.capacity()) {
        readBuffer.clear().limit((int) Math.min(readBuffer.capacity(), end - offset));
        disk.read(offset, readBuffer);
      }
    }
  }

  private static byte[] damage(byte[] valid, Random random, StringBuilder how) {
    byte[] image = valid.clone();
    int kind = random.nextInt(6);
    if (kind == 0 || kind == 2 || kind == 5) {
      flip(image, 0, Math.min(4096, image.length), 1 + random.nextInt(8), random, how);
    }
    if (kind == 1 || kind == 2) {
      flip(image, image.length - 512, image.length, 1 + random.nextInt(4), random, how);
    }
    if (kind == 3) {
      plantBoundaryValue(image, random, how);
    }
    if (kind == 4 || kind == 5) {
      int length = random.nextBoolean() ? random.nextInt(image.length + 1) : image.length - random.nextInt(1024);
      image = Arrays.copyOf(image, Math.max(0, length));
      how.append("truncated to ").append(image.length).append(' ');
    }
    // Half the time, re-seal the checksums so that the damage reaches past them with verification on.
    if (random.nextBoolean() && image.length >= 1536) {
      ImagePatch.of(image).sealFooter(0).sealFooter(image.length - 512).sealHeader();
      how.append("resealed ");
    }
    return image;
  }

  private static void flip(byte[] image, int from, int to, int count, Random random, StringBuilder how) {
    for (int i = 0; i < count && from < to; i++) {
      int at = from + random.nextInt(to - from);
      image[at] ^= (byte) (1 + random.nextInt(255));
      how.append("flip@").append(at).append(' ');
    }
  }

  /** A boundary value over a 32- or 64-bit field of the metadata or the footer. */
  private static void plantBoundaryValue(byte[] image, Random random, StringBuilder how) {
    boolean footer = random.nextInt(4) == 0;
    int base = footer ? image.length - 512 : 0;
    int span = footer ? 512 : Math.min(4096, image.length);
    int at = base + random.nextInt(span / 4) * 4;
    int value = BOUNDARY_INTS[random.nextInt(BOUNDARY_INTS.length)];
    ByteBuffer buf = ByteBuffer.wrap(image);
    if (random.nextBoolean() && at + 8 <= image.length) {
      long wide = random.nextBoolean() ? value : Integer.toUnsignedLong(value);
      buf.putLong(at, wide);
      how.append("long ").append(wide);
    } else if (at + 4 <= image.length) {
      buf.putInt(at, value);
      how.append("int ").append(value);
    }
    how.append('@').append(at).append(' ');
  }

  private static byte[] image(String kind) throws IOException {
    long size = 64 << 10;
    ImageBuilder builder = switch (kind) {
      case "dynamic" -> ImageBuilder.dynamic(size).blockSize(4096);
      case "batmap" -> ImageBuilder.dynamic(size).blockSize(4096).withBatmap().alignBlocks();
      case "differencing" -> ImageBuilder.differencing(size, new UUID(3, 4), "parent.vhd").blockSize(4096);
      case "fixed" -> ImageBuilder.fixed(16 << 10);
      default -> throw new IllegalArgumentException(kind);
    };
    // Fixed ids keep the bytes, hence each seed's damage, the same from run to run.
    // A partial block, a full one, and a block of scattered sectors.
    return builder.uniqueId(new UUID(1, 2)).write(1, sectors(2, 0xA1)).write(16, sectors(8, 0xB2)).write(25, sectors(1, 0xC3))
        .write(28, sectors(1, 0xC4)).toBytes();
  }
}
