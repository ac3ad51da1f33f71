package org.vhdspark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.vhdspark.testing.Fixtures;

/** What blktap-chain/expected says about each level. */
final class Expected {
  private Expected() {}

  /** sha256 of each level's resolved disk, by level name. */
  static String sha256(String level) throws IOException {
    return Fixtures.blktapSha256(level);
  }

  /** The owner runs of a level as "start length owner" lines, owners renamed and equal neighbours merged. */
  static List<String> owners(String level, UnaryOperator<String> rename) throws IOException {
    List<String> runs = new ArrayList<>();
    long start = 0;
    long length = 0;
    String owner = null;
    for (String line : Files.readAllLines(Fixtures.blktapExpected(level + ".owners.txt"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] parts = line.trim().split("\\s+");
      String next = rename.apply(parts[2]);
      if (next.equals(owner)) {
        length += Long.parseLong(parts[1]);
        continue;
      }
      if (owner != null) {
        runs.add(start + " " + length + " " + owner);
      }
      start = Long.parseLong(parts[0]);
      length = Long.parseLong(parts[1]);
      owner = next;
    }
    runs.add(start + " " + length + " " + owner);
    return runs;
  }
}
