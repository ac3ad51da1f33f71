package org.vhdspark.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.vhdspark.image.VirtualDisk;

/**
 * Real images made by other tools. The blktap chain lives in this module's test resources; the
 * third-party dfvfs images stay outside the repository, in the folder named by the system property
 * {@code vhd.fixtures} (the build passes {@code ../shared/fixtures} beside the checkout): tests that
 * need them are skipped when it is absent, and fail instead when the environment variable {@code CI}
 * is set.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The folder of the blktap chain (base, child, grandchild, level3 and their expected contents). */
  public static Path blktapDir() {
    return existing(Path.of(System.getProperty("vhd.blktap", "src/test/resources/fixtures/blktap-chain")), "vhd.blktap");
  }

  public static Path blktap(String level) {
    return blktapDir().resolve(level + ".vhd");
  }

  /** A file of the blktap chain's {@code expected/} folder. */
  public static Path blktapExpected(String name) {
    return blktapDir().resolve("expected").resolve(name);
  }

  /** The sha256 of the fully resolved disk of a blktap level, from {@code expected/SHA256SUMS}. */
  public static String blktapSha256(String level) throws IOException {
    for (String line : Files.readAllLines(blktapExpected("SHA256SUMS"))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[1].equals(level + ".raw")) {
        return parts[0];
      }
    }
    throw new IllegalStateException("expected/SHA256SUMS has no line for " + level + ".raw");
  }

  /** A dfvfs image, or the test is skipped (outside CI) when the third-party fixtures are absent. */
  public static Path dfvfs(String name) {
    // Tests run in a module's folder: the checkout's sibling ../shared is two levels up from there.
    String configured = System.getProperty("vhd.fixtures", "../../shared/fixtures");
    Path dir = Path.of(configured).resolve("dfvfs").toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      String message = "the third-party dfvfs images are not at " + dir
          + " (they are kept outside the repository, in ../shared/fixtures beside the checkout; set -Dvhd.fixtures=FOLDER)";
      if (isCi()) {
        fail(message + ". CI is set, so tests that need them must run rather than skip.");
      }
      Assumptions.abort(message + ". Skipped; set CI=true to make this a failure.");
    }
    return dir.resolve(name);
  }

  public static boolean isCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isEmpty();
  }

  private static Path existing(Path dir, String property) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixtures not found at " + dir.toAbsolutePath() + " (set -D" + property + " to their folder)");
    }
    return dir.toAbsolutePath().normalize();
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
