package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.cli.WriteTesting.assertClean;
import static org.vhdspark.cli.WriteTesting.assertUsageError;
import static org.vhdspark.cli.WriteTesting.cat;
import static org.vhdspark.cli.WriteTesting.failure;
import static org.vhdspark.cli.WriteTesting.ok;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.io.LocalFile;

class TestRepairCommand {
  @TempDir
  Path dir;

  /**
   * The case, from the command line: a writer killed after writing a new block over the end
   * footer leaves an image that check refuses and write will not touch; repair makes it whole again.
   */
  @Test
  void imageWhoseEndFooterABlockOverwroteIsRepairedAndWritableAgain() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "64M");
    byte[] expected = new byte[64 << 20];
    byte[] data = bytes(3 << 20, 1);
    ok("write", image, "--offset", "5M", "-i", Files.write(dir.resolve("data.bin"), data).toString());
    System.arraycopy(data, 0, expected, 5 << 20, data.length);
    long size = Files.size(Path.of(image));
    try (LocalFile file = LocalFile.openForUpdate(Path.of(image))) {
      file.write(size - 512, ByteBuffer.wrap(bytes((2 << 20) + 512, 2)));
    }
    Cli.Result check = Cli.run("check", image);
    assertThat(check.exit()).isEqualTo(2);
    assertThat(check.out()).contains("error: " + image + ": the footer at the end is unusable");
    assertThat(failure(Cli.run("write", image, "--offset", "0", "-i", dir.resolve("data.bin").toString())))
        .isEqualTo("vhd: " + image + ": the footer at the end of the image is damaged; `vhd repair` restores it from the "
            + "copy at offset 0, then the image can be written");

    byte[] damaged = Files.readAllBytes(Path.of(image));
    Map<String, Object> planned = ok("repair", image, "--dry-run");
    assertThat(Files.readAllBytes(Path.of(image))).as("a dry run writes nothing").isEqualTo(damaged);
    assertThat(planned).containsEntry("path", image).containsEntry("dryRun", true);
    List<Object> changes = TestingJson.array(planned.get("changes"));
    assertThat(changes).hasSize(2);
    assertThat(TestingJson.object(changes.get(0))).containsEntry("kind", "endFooter").containsEntry("offset", size - 512);
    assertThat((String) TestingJson.object(changes.get(0)).get("detail")).startsWith("the footer at the end was unusable (");
    assertThat(TestingJson.object(changes.get(1))).containsEntry("kind", "tail").containsEntry("offset", size);

    Map<String, Object> done = ok("repair", image);
    assertThat(done).containsEntry("dryRun", false).containsEntry("changes", planned.get("changes"));
    assertThat(Files.size(Path.of(image))).isEqualTo(size);
    assertClean(image);
    assertThat(cat(image)).isEqualTo(expected);

    byte[] more = bytes(1 << 20, 3);
    ok("write", image, "--offset", "40M", "-i", Files.write(dir.resolve("more.bin"), more).toString());
    System.arraycopy(more, 0, expected, 40 << 20, more.length);
    assertThat(cat(image)).isEqualTo(expected);
    assertClean(image);
  }

  @Test
  void anIntactImageNeedsNoChange() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "8M");
    byte[] before = Files.readAllBytes(Path.of(image));
    Cli.Result result = Cli.run("repair", image);
    assertThat(result.exit()).isZero();
    assertThat(result.stderr()).isEmpty();
    assertThat(result.outLines()).containsExactly("{\"path\":\"" + image + "\",\"dryRun\":false,\"changes\":[]}");
    assertThat(Files.readAllBytes(Path.of(image))).isEqualTo(before);
  }

  @Test
  void whatCannotBeRepairedSafelyFailsOnOneLineWritingNothing() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "8M");
    byte[] damaged = Files.readAllBytes(Path.of(image));
    Arrays.fill(damaged, 0, 8, (byte) 0);
    Arrays.fill(damaged, damaged.length - 512, damaged.length - 504, (byte) 0);
    Files.write(Path.of(image), damaged);

    assertThat(failure(Cli.run("repair", image))).startsWith("vhd: " + image + ": not repaired: it cannot be opened (footer field 'cookie'");
    assertThat(Files.readAllBytes(Path.of(image))).isEqualTo(damaged);
    assertThat(failure(Cli.run("repair", dir.resolve("missing.vhd").toString())))
        .isEqualTo("vhd: " + dir.resolve("missing.vhd") + ": no such file");
  }

  @Test
  void usageErrors() {
    assertUsageError(Cli.run("repair"), "repair needs an IMAGE");
    assertUsageError(Cli.run("repair", "a.vhd", "b.vhd"), "repair takes one IMAGE; unexpected argument 'b.vhd'");
    assertUsageError(Cli.run("repair", "a.vhd", "--no-verify-checksums"), "option --no-verify-checksums does not apply to repair");
    assertUsageError(Cli.run("repair", "a.vhd", "--parent", "a=b"), "option --parent does not apply to repair");
    assertUsageError(Cli.run("write", "a.vhd", "--offset", "0", "--dry-run"), "option --dry-run does not apply to write");
    assertThat(Cli.run("help").out()).contains("repair IMAGE [--dry-run]", "--dry-run ");
  }

  private static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
