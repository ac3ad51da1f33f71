package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

class TestCheckCommand {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapLevelsAreClean(String level) {
    Cli.Result result = Cli.run("check", Fixtures.blktap(level).toString());
    assertThat(result.outLines()).containsExactly(Fixtures.blktap(level) + ": no problems found");
    assertThat(result.exit()).isZero();
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void wrongFooterChecksumIsAnError() {
    Path image = Fixtures.dfvfs("image.vhd");
    Cli.Result result = Cli.run("check", image.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.outLines()).containsExactly(
        "error: " + image + ": footer field 'checksum' at offset 2,099,776: expected 0xFFFFEF25, found 0xFFFFF683",
        image + ": 1 error, 0 warnings");
  }

  @Test
  void wrongChecksumIsOnlyAWarningWhenVerificationIsOff() {
    Cli.Result result = Cli.run("check", "--no-verify-checksums", Fixtures.dfvfs("image.vhd").toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.outLines()).hasSize(2).first().asString().startsWith("warning: ");
  }

  @Test
  void missingParentIsAnError() {
    Cli.Result result = Cli.run("check", Fixtures.dfvfs("fat-differential.vhd").toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.outLines()).first().asString().startsWith("error: ").contains("not found");
  }

  @Test
  void craftedImageBreakingTwoRulesReportsBoth() throws IOException {
    Path image = ImageBuilder.dynamic(4 << 20)
        .damage(bytes -> {
          bytes[bytes.length - 512 + 84] = 3;
          return bytes;
        })
        .writeTo(dir.resolve("broken.vhd"));
    Cli.Result result = Cli.run("check", image.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.outLines()).anySatisfy(line -> assertThat(line).startsWith("error: ").contains("'saved state'"))
        .anySatisfy(line -> assertThat(line).startsWith("error: ").contains("footer field 'checksum'"))
        .anySatisfy(line -> assertThat(line).startsWith("error: ").contains("footer copy at offset 0 differs"))
        .last().isEqualTo(image + ": 3 errors, 0 warnings");
  }

  @Test
  void warningsOnlyExitWithOne() throws IOException {
    Path image = ImageBuilder.fixed(4 << 20).damage(bytes -> java.util.Arrays.copyOf(bytes, bytes.length - 1))
        .writeTo(dir.resolve("legacy.vhd"));
    Cli.Result result = Cli.run("check", image.toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.outLines()).last().isEqualTo(image + ": 0 errors, 1 warning");
  }

  @Test
  void unreadableImageIsOneErrorFinding() throws IOException {
    Path image = java.nio.file.Files.write(dir.resolve("tiny.vhd"), new byte[10]);
    Cli.Result result = Cli.run("check", image.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.outLines()).first().asString().startsWith("error: " + image + ": cannot be opened: ");
  }
}
