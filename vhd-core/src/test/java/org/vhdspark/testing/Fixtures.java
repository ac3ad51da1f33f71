package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.vhdspark.image.VirtualDisk;

/** The real images of {@code ../shared/fixtures}, made by Windows, qemu and blktap. */
public final class Fixtures {
  private Fixtures() {}

  public static Path dir() {
    String configured = System.getProperty("vhd.fixtures");
    Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/fixtures");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixtures not found at " + dir.toAbsolutePath()
          + ": the repository expects ../shared/fixtures beside it (set -Dvhd.fixtures to override)");
    }
    return dir.toAbsolutePath().normalize();
  }

  public static Path blktap(String level) {
    return dir().resolve("blktap-chain").resolve(level + ".vhd");
  }

  public static Path dfvfs(String name) {
    return dir().resolve("dfvfs").resolve(name);
  }

  /** sha256 of the whole disk, read one block at a time. */
  public static String sha256(VirtualDisk disk) throws IOException {
    MessageDigest digest = sha256();
    ByteBuffer buf = ByteBuffer.allocate(disk.sectorsPerBlock() * 512);
    for (long offset = 0; offset < disk.size(); offset += buf.capacity()) {
      buf.clear().limit((int) Math.min(buf.capacity(), disk.size() - offset));
      disk.read(offset, buf);
      digest.update(buf.flip());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
