package org.vhdspark.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The real images of {@code ../shared/fixtures}, located as vhd-core's tests do. */
final class Fixtures {
  private Fixtures() {}

  static Path dir() {
    String configured = System.getProperty("vhd.fixtures");
    Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/fixtures");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("fixtures not found at " + dir.toAbsolutePath()
          + ": the repository expects ../shared/fixtures beside it (set -Dvhd.fixtures to override)");
    }
    return dir.toAbsolutePath().normalize();
  }

  static Path blktap(String level) {
    return dir().resolve("blktap-chain").resolve(level + ".vhd");
  }

  static Path dfvfs(String name) {
    return dir().resolve("dfvfs").resolve(name);
  }

  /** expected/SHA256SUMS of the blktap chain: "level.raw" to sha256. */
  static Map<String, String> blktapSums() throws IOException {
    Map<String, String> sums = new HashMap<>();
    for (String line : Files.readAllLines(dir().resolve("blktap-chain/expected/SHA256SUMS"))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        sums.put(parts[1], parts[0]);
      }
    }
    return sums;
  }
}
