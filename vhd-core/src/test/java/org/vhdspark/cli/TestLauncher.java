package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.testing.Fixtures;

/** bin/vhd, run as users run it. Tests run before packaging, so this needs a jar from an earlier package. */
class TestLauncher {
  @TempDir
  Path dir;

  @Test
  void launcherRunsTheCommandLineFromThePackagedJar() throws IOException, InterruptedException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path target = root.resolve("vhd-core/target");
    Path jar = target.resolve("vhd-core-0.1.0-SNAPSHOT.jar");
    assumeTrue(Files.isDirectory(target.resolve("lib")) && Files.isRegularFile(jar) && hasCli(jar),
        "skipped: bin/vhd needs vhd-core/target/lib and a jar holding the command line; run './mvnw -q -DskipTests package' first");

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

  private static boolean hasCli(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getEntry("org/vhdspark/cli/VhdCli.class") != null;
    }
  }
}
