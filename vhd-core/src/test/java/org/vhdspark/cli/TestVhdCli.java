package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

/** What every command shares: help, usage errors, error messages and exit statuses. */
class TestVhdCli {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h", "help"})
  void helpPrintsUsage(String help) {
    Cli.Result result = Cli.run(help);
    assertThat(result.exit()).isZero();
    assertThat(result.out()).startsWith("usage: vhd COMMAND ARGS [options]").contains("--allow-parent-dir DIR");
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void helpOptionWinsOverACommand() {
    Cli.Result result = Cli.run("cat", "some.vhd", "--help");
    assertThat(result.exit()).isZero();
    assertThat(result.out()).isEqualTo(Cli.run("help").out());
  }

  @Test
  void usageErrorsAreOneLinePlusAHint() {
    assertUsageError(Cli.run(), "vhd: missing command");
    assertUsageError(Cli.run("frobnicate", "x.vhd"), "vhd: unknown command 'frobnicate'");
    assertUsageError(Cli.run("info", "--frob", "x.vhd"), "vhd: unknown option --frob");
    assertUsageError(Cli.run("info"), "vhd: info needs an IMAGE");
    assertUsageError(Cli.run("info", "a.vhd", "b.vhd"), "vhd: info takes one IMAGE; unexpected argument 'b.vhd'");
    assertUsageError(Cli.run("info", "x.vhd", "--delta"), "vhd: option --delta does not apply to info");
    assertUsageError(Cli.run("cat", "x.vhd", "-o"), "vhd: option -o needs a value");
    assertUsageError(Cli.run("info", "x.vhd", "--parent", "nochild"), "vhd: --parent needs CHILD=PARENT, got 'nochild'");
  }

  @Test
  void errorsAreOneLineWithoutStackTraceUnlessDebugging() {
    Path missing = dir.resolve("missing.vhd");
    Cli.Result plain = Cli.run("info", missing.toString());
    assertThat(plain.exit()).isEqualTo(2);
    assertThat(plain.errLines()).containsExactly("vhd: " + missing + ": no such file");
    assertThat(plain.stdout()).isEmpty();

    Cli.Result debug = Cli.run("info", missing.toString(), "--debug");
    assertThat(debug.exit()).isEqualTo(2);
    assertThat(debug.errLines().get(0)).isEqualTo("vhd: " + missing + ": no such file");
    assertThat(debug.errLines()).anySatisfy(line -> assertThat(line).startsWith("java.nio.file.NoSuchFileException"))
        .anySatisfy(line -> assertThat(line).startsWith("\tat "));
  }

  @Test
  void formatErrorNamesTheFieldAndTheWayOut() {
    Path image = Fixtures.dfvfs("image.vhd");
    Cli.Result strict = Cli.run("info", image.toString());
    assertThat(strict.exit()).isEqualTo(2);
    assertThat(strict.errLines()).singleElement().asString()
        .startsWith("vhd: " + image + ": footer field 'checksum' at offset 2,099,776")
        .endsWith("(--no-verify-checksums reads it anyway)");

    Cli.Result lenient = Cli.run("info", "--no-verify-checksums", image.toString());
    assertThat(lenient.exit()).isZero();
    assertThat(lenient.errLines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("vhd: warning: " + image + ": "));
    assertThat(TestingJson.object(lenient.json())).containsEntry("virtualSize", 104_448L);
  }

  @Test
  void closedOutputEndsQuietlyButOtherWriteFailuresAreReported() throws IOException {
    String image = ImageBuilder.dynamic(4 << 20).writeTo(dir.resolve("clean.vhd")).toString();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VhdCli.run(new String[] {"map", image}, failing("Broken pipe"), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(VhdCli.EXIT_BROKEN_PIPE);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();

    exit = VhdCli.run(new String[] {"cat", image}, failing("No space left on device"), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly("vhd: cannot write the output: No space left on device");
  }

  private static OutputStream failing(String message) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException(message);
      }
    };
  }

  private static void assertUsageError(Cli.Result result, String message) {
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.errLines()).containsExactly(message, VhdCli.USAGE_HINT);
  }
}
