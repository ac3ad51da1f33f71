package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.testing.Fixtures;

/** bin/vhd, run as users run it: an integration test, run by failsafe after the jar is packaged. */
class LauncherIT {
  @TempDir
  Path dir;

  @Test
  void launcherRunsTheCommandLineFromThePackagedJar() throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path target = root.resolve("vhd-core/target");
    assertThat(target.resolve("vhd-core-0.1.0-SNAPSHOT.jar")).as("the packaged jar").isRegularFile();

    Path image = Fixtures.blktap("level3");
    Path errors = dir.resolve("stderr.txt");
    // From another folder, to show the script finds the repository from its own location.
    Process process = new ProcessBuilder(root.resolve("bin/vhd").toString(), "info", image.toString())
        .directory(dir.toFile())
        .redirectError(errors.toFile())
        .start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(errors)).isZero();
    Map<String, Object> info = TestingJson.object(TestingJson.parse(new String(out, StandardCharsets.UTF_8)));
    assertThat(info).containsEntry("path", image.toString()).containsEntry("type", "differencing");
    assertThat(TestingJson.array(info.get("chain"))).hasSize(4);
  }
}
