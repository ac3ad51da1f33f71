package org.vhdspark.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.ImageCreator;
import org.vhdspark.write.ImageSpec;
import org.vhdspark.write.VhdWriter;

/** Images made with vhd-core's writer, and what vhd-core itself reads from images: the oracle. */
final class Images {
  private Images() {}

  static Path dynamic(Path file, long size, int blockSize) throws IOException {
    try (LocalFile out = LocalFile.create(file)) {
      ImageCreator.create(out, ImageSpec.dynamic(size).withBlockSize(blockSize));
    }
    return file;
  }

  static Path fixed(Path file, long size) throws IOException {
    try (LocalFile out = LocalFile.create(file)) {
      ImageCreator.createFixed(out, size);
    }
    return file;
  }

  /** An empty differencing child of {@code parent}, with locators relative to the child. */
  static Path child(Path parent, Path child) throws IOException {
    try (VhdChain chain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(parent), VhdOptions.defaults());
        LocalFile out = LocalFile.create(child)) {
      ImageCreator.create(out, ImageSpec.childOf(chain.image(), Location.of(parent), Location.of(child)));
    }
    return child;
  }

  static void write(Path image, long offset, byte[] data, VhdOptions options) throws IOException {
    try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, Location.of(image), options)) {
      writer.write(offset, ByteBuffer.wrap(data));
    }
  }

  static void write(Path image, long offset, byte[] data) throws IOException {
    write(image, offset, data, VhdOptions.defaults());
  }

  static VirtualDisk resolved(Path image, VhdOptions options) throws IOException {
    return VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(image), options));
  }

  static VirtualDisk delta(Path image, VhdOptions options) throws IOException {
    return VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(image), options));
  }

  /** The whole disk as bytes (test images are small). */
  static byte[] contents(VirtualDisk disk) throws IOException {
    byte[] bytes = new byte[Math.toIntExact(disk.size())];
    disk.read(0, ByteBuffer.wrap(bytes));
    return bytes;
  }

  /** One run of a block, as vhd-core computes it. */
  record Run(long block, long start, int length, int layer) {}

  static List<Run> runs(VirtualDisk disk) throws IOException {
    List<Run> all = new ArrayList<>();
    BlockRuns runs = new BlockRuns();
    for (int block = 0; block < disk.blockCount(); block++) {
      disk.runs(block, runs);
      for (int i = 0; i < runs.count(); i++) {
        all.add(new Run(block, runs.start(i), runs.length(i), runs.layer(i)));
      }
    }
    return all;
  }

  /** The owner of every sector: a layer, or BlockRuns.ZEROS. */
  static int[] owners(VirtualDisk disk) throws IOException {
    int[] owners = new int[Math.toIntExact(disk.sectorCount())];
    for (Run run : runs(disk)) {
      java.util.Arrays.fill(owners, (int) run.start(), (int) run.start() + run.length(), run.layer());
    }
    return owners;
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The Hadoop path text of a local file, as the path column shows it. */
  static String hadoopPath(Path file) {
    return new org.apache.hadoop.fs.Path(file.toAbsolutePath().toUri()).toString();
  }
}
