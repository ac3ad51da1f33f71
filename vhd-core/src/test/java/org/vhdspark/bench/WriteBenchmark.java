package org.vhdspark.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.AtomicOutput;
import org.vhdspark.write.ChainOperations;
import org.vhdspark.write.ImageCreator;
import org.vhdspark.write.ImageSpec;
import org.vhdspark.write.VhdWriter;

/**
 * Write benchmark, a harness that prints figures (never a timed test):
 * <ol>
 *   <li>building a child with 10% of the sectors of a multi-GiB disk changed: scattered runs written
 *       through {@link VhdWriter} into a snapshot, and the same child made by {@code diff};</li>
 *   <li>{@code convert} of the dynamic base to a new dynamic image, next to
 *       {@code qemu-img convert -O vpc} of the same image, in the same run.</li>
 * </ol>
 * Usage: {@code WriteBenchmark DIR SIZE_MIB}; DIR holds (or receives) the read benchmark's base.vhd.
 */
public final class WriteBenchmark {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;
  private static final double CHANGED = 0.10;

  private WriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    long size = Long.parseLong(args[1]) << 20;
    Path base = dir.resolve(BenchImages.BASE);
    if (!Files.exists(base)) {
      new BenchImages(size, 1).writeTo(dir);
    }
    Path out = Files.createDirectories(dir.resolve("write-bench"));
    clean(out);
    Location baseLocation = Location.of(base);
    VhdOptions options = VhdOptions.defaults().withAllowedFolder(Location.of(dir));

    Location snapshot = Location.of(out.resolve("snapshot.vhd"));
    try (VhdChain parent = VhdChain.openImageOnly(STORE, baseLocation, options)) {
      AtomicOutput.write(STORE, snapshot, file -> {
        ImageCreator.create(file, ImageSpec.childOf(parent.image(), baseLocation, snapshot));
        return null;
      });
    }
    long start = System.nanoTime();
    long written = writeScattered(snapshot, size, options);
    report("VhdWriter: 10% of sectors in scattered runs into a snapshot", written, start, "of data written");

    start = System.nanoTime();
    long sectors = ChainOperations.diff(STORE, baseLocation, snapshot, Location.of(out.resolve("diff.vhd")), options);
    report("diff base -> snapshot (" + sectors + " sectors differ)", size, start, "of virtual disk compared");

    Path converted = out.resolve("converted.vhd");
    start = System.nanoTime();
    // Like every write here, convert makes its output durable (fsync) before it returns.
    try (VirtualDisk source = VirtualDisk.resolved(VhdChain.open(STORE, baseLocation, options));
        LocalFile file = LocalFile.create(converted)) {
      ChainOperations.convert(source, DiskType.DYNAMIC, file);
    }
    report("vhd convert base -> dynamic", size, start, "of virtual disk");

    // qemu-img convert's default cache mode for the target is "unsafe" (never flushed); ours syncs at
    // the end. Both are measured, the second with "-t writeback", which flushes like ours.
    Path qemuOut = out.resolve("qemu.vhd");
    qemuConvert(base, qemuOut, "unsafe", size);
    Files.delete(qemuOut);
    qemuConvert(base, qemuOut, "writeback", size);
    System.out.printf("sizes: ours %,d bytes, qemu-img %,d bytes%n", Files.size(converted), Files.size(qemuOut));
    clean(out);
  }

  private static void qemuConvert(Path base, Path target, String cache, long size) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process qemu = new ProcessBuilder("qemu-img", "convert", "-f", "vpc", "-O", "vpc", "-o", "subformat=dynamic",
        "-t", cache, base.toString(), target.toString()).inheritIO().start();
    if (!qemu.waitFor(30, TimeUnit.MINUTES) || qemu.exitValue() != 0) {
      throw new IOException("qemu-img convert failed");
    }
    report("qemu-img convert -O vpc -t " + cache + " base -> dynamic", size, start, "of virtual disk");
  }

  /** Writes random data over about 10% of the sectors, in runs of 1 to 256 sectors at random offsets. */
  private static long writeScattered(Location image, long size, VhdOptions options) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    long sectors = size / 512;
    long target = (long) (sectors * CHANGED);
    byte[] data = new byte[256 * 512];
    random.nextBytes(data);
    long written = 0;
    try (VhdWriter writer = VhdWriter.open(STORE, image, options)) {
      while (written < target * 512) {
        int run = 1 + random.nextInt(256);
        long sector = random.nextLong(sectors - run);
        writer.write(sector * 512, ByteBuffer.wrap(data, 0, run * 512));
        written += run * 512L;
      }
    }
    return written;
  }

  private static void report(String what, long bytes, long startNanos, String unit) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf("%-62s %7.2f s  %7.3f GB/s %s%n", what, seconds, bytes / seconds / 1e9, unit);
  }

  private static void clean(Path out) throws IOException {
    try (var files = Files.list(out)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
  }
}
