package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Shared steps of the write commands' tests: run a command that must succeed, and look at what it left. */
final class WriteTesting {
  private WriteTesting() {}

  /** Runs a command that must succeed quietly on stderr; returns its one JSON line. */
  static Map<String, Object> ok(String... args) {
    Cli.Result result = Cli.run(args);
    assertThat(result.stderr()).as("stderr of %s", List.of(args)).isEmpty();
    assertThat(result.exit()).as("exit of %s", List.of(args)).isZero();
    assertThat(result.outLines()).hasSize(1);
    return TestingJson.object(result.json());
  }

  /** The resolved disk, through {@code vhd cat}. */
  static byte[] cat(String... args) {
    String[] all = Stream.concat(Stream.of("cat"), Stream.of(args)).toArray(String[]::new);
    Cli.Result result = Cli.run(all);
    assertThat(result.stderr()).as("stderr of cat %s", List.of(args)).isEmpty();
    assertThat(result.exit()).isZero();
    return result.stdout();
  }

  /** {@code vhd check} finds nothing. */
  static void assertClean(String... args) {
    String[] all = Stream.concat(Stream.of("check"), Stream.of(args)).toArray(String[]::new);
    Cli.Result result = Cli.run(all);
    assertThat(result.outLines()).as("check %s", List.of(args)).singleElement().asString().endsWith(": no problems found");
    assertThat(result.exit()).isZero();
  }

  /** A command failed with exit 2 and one line on stderr, printing nothing; returns that line. */
  static String failure(Cli.Result result) {
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.errLines()).hasSize(1);
    return result.errLines().get(0);
  }

  /** A usage error: its message, then the hint. */
  static void assertUsageError(Cli.Result result, String message) {
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.errLines()).containsExactly("vhd: " + message, VhdCli.USAGE_HINT);
  }

  /** The file names in {@code dir}, hidden ones too: proves no temporary file was left behind. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(path -> path.getFileName().toString()).sorted().toList();
    }
  }
}
