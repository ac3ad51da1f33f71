package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Images made and written by QEMU ({@code qemu-img create}, {@code qemu-io}) read through Spark, against
 * {@code qemu-img convert -O raw}. Skipped without the tools, except in CI ({@code CI} set).
 */
@ExtendWith(SharedSpark.class)
class TestQemuImages {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "fixed"})
  void qemuImagesReassembleToQemusRawDisk(String subformat) throws IOException, InterruptedException {
    Path image = dir.resolve(subformat + ".vhd");
    run("qemu-img", "create", "-q", "-f", "vpc", "-o", "subformat=" + subformat + ",force_size=on", image.toString(), "5243392");
    run("qemu-io", "-f", "vpc", "-c", "write -P 0x11 0 512", "-c", "write -P 0x22 2096640 4096", "-c", "write -P 0x33 3000 777",
        "-c", "write -z 2097152 512", "-c", "write -P 0x44 5242880 512", image.toString());
    Path raw = dir.resolve(subformat + ".raw");
    run("qemu-img", "convert", "-f", "vpc", "-O", "raw", image.toString(), raw.toString());
    String expected = Images.sha256(Files.readAllBytes(raw));
    Dataset<Row> rows = SharedSpark.spark().read().format("vhd").option("includeUnallocated", "true").load(image.toString());
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(rows, 1)).isEqualTo(expected);
    assertThat(rows.count()).isEqualTo(Files.size(raw) / 512);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(command));
    Process process;
    try {
      process = new ProcessBuilder(line).redirectErrorStream(true).start();
    } catch (IOException e) {
      String message = command[0] + " is not installed (apt-get install qemu-utils)";
      if (System.getenv("CI") != null) {
        fail(message + "; CI is set, so this test must run");
      }
      Assumptions.abort(message);
      return;
    }
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      fail(String.join(" ", line) + " failed: " + output);
    }
  }
}
