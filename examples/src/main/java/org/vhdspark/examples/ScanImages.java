package org.vhdspark.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.vhdspark.VhdException;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/**
 * Scans folders of VHD images without Spark: for every image, its chain, allocation and a sha256 of
 * the resolved disk, or the reason it cannot be read. The local counterpart of the Spark scan.
 */
public final class ScanImages {
  private ScanImages() {}

  public static void main(String[] args) throws IOException {
    List<Path> roots = Stream.of(args).map(Path::of).toList();
    if (roots.isEmpty()) {
      System.err.println("usage: ScanImages FOLDER_OR_IMAGE...");
      System.exit(2);
    }
    PrintStream out = System.out;
    out.printf("%-48s %-12s %10s %9s %6s  %s%n", "image", "type", "size", "allocated", "chain", "sha256 of the resolved disk");
    int failures = 0;
    for (Path root : roots) {
      List<Path> images;
      try (Stream<Path> files = Files.walk(root)) {
        images = files.filter(p -> p.toString().endsWith(".vhd")).sorted().toList();
      }
      for (Path image : images) {
        failures += scan(root, image, out) ? 0 : 1;
      }
    }
    out.printf("%n%d image(s) could not be resolved (reasons above).%n", failures);
  }

  private static boolean scan(Path root, Path image, PrintStream out) throws IOException {
    String name = root.toAbsolutePath().getParent() == null ? image.toString()
        : root.toAbsolutePath().getParent().relativize(image.toAbsolutePath()).toString();
    // Forensic collections hold damaged images: read them, and report what was wrong.
    VhdOptions options = VhdOptions.defaults().withoutChecksumVerification();
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(image), options))) {
      VhdImage top = disk.chain().image();
      long allocated = (long) top.allocatedBlockCount() * top.blockSize();
      out.printf("%-48s %-12s %10s %9s %6d  %s%n", name, top.type().label(), mib(disk.size()), mib(allocated),
          disk.chain().depth(), sha256(disk));
      disk.chain().findings().forEach(f -> out.println("    " + f));
      return true;
    } catch (VhdException e) {
      out.printf("%-48s cannot be resolved: %s%n", name, e.getMessage());
      return false;
    }
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }

  private static String sha256(VirtualDisk disk) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    ByteBuffer block = ByteBuffer.allocate(disk.sectorsPerBlock() * 512);
    for (long offset = 0; offset < disk.size(); offset += block.capacity()) {
      block.clear().limit((int) Math.min(block.capacity(), disk.size() - offset));
      disk.read(offset, block);
      digest.update(block.flip());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
