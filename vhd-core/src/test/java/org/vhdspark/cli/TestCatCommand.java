package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

class TestCatCommand {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void catOfEachBlktapLevelHasTheExpectedSha256(String level) throws IOException {
    Cli.Result result = Cli.run("cat", Fixtures.blktap(level).toString());
    assertThat(result.exit()).isZero();
    assertThat(result.stdout()).hasSize(8 << 20);
    assertThat(Fixtures.sha256(result.stdout())).isEqualTo(Expected.sha256(level));
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void catToAFileWritesTheSameBytes() throws IOException {
    Path out = dir.resolve("level3.raw");
    Cli.Result result = Cli.run("cat", Fixtures.blktap("level3").toString(), "-o", out.toString());
    assertThat(result.exit()).isZero();
    assertThat(result.stdout()).isEmpty();
    assertThat(Fixtures.sha256(Files.readAllBytes(out))).isEqualTo(Expected.sha256("level3"));
  }

  @Test
  void catToAFileLeavesHolesButHasTheDisksSize() throws IOException {
    byte[] data = new byte[1024];
    java.util.Arrays.fill(data, (byte) 7);
    // Blocks 1 and 3 of 4 allocated; the last block is a hole, so the file must still be extended to the disk's size.
    Path image = ImageBuilder.dynamic(8 << 20).write(4096 + 10, data).write(3 * 4096 - 2, data).writeTo(dir.resolve("sparse.vhd"));
    Path out = dir.resolve("sparse.raw");
    Files.write(out, new byte[20 << 20]);
    assertThat(Cli.run("cat", image.toString(), "--output=" + out, "--force").exit()).isZero();
    byte[] expected = new byte[8 << 20];
    System.arraycopy(data, 0, expected, (4096 + 10) * 512, data.length);
    System.arraycopy(data, 0, expected, (3 * 4096 - 2) * 512, data.length);
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
    assertThat(Cli.run("cat", image.toString()).stdout()).isEqualTo(expected);
  }

  @Test
  void anExistingFileIsKeptWithoutForceAndReplacedWholeWithIt() throws IOException {
    Path out = dir.resolve("disk.raw");
    Files.write(out, new byte[] {1, 2, 3});
    Cli.Result refused = Cli.run("cat", Fixtures.blktap("level3").toString(), "-o", out.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.errLines()).singleElement().asString()
        .isEqualTo("vhd: " + out + ": already exists; cat -o replaces a file only with --force");
    assertThat(Files.readAllBytes(out)).containsExactly(1, 2, 3);

    assertThat(Cli.run("cat", Fixtures.blktap("level3").toString(), "-o", out.toString(), "--force").exit()).isZero();
    assertThat(Fixtures.sha256(Files.readAllBytes(out))).isEqualTo(Expected.sha256("level3"));
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file is left").containsExactly(out);
    }
  }

  @Test
  void aFailedCatLeavesNoFile() throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(4 << 20).write(0, new byte[512]);
    Path child = ImageBuilder.differencing(4 << 20, base.uniqueId(), "missing.vhd").writeTo(dir.resolve("child.vhd"));
    Cli.Result result = Cli.run("cat", child.toString(), "-o", dir.resolve("out.raw").toString());
    assertThat(result.exit()).isEqualTo(2);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(child);
    }
  }

  @Test
  void aDeviceIsWrittenInPlaceOnlyWithForce() throws IOException {
    Path device = Path.of("/dev/null");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(device), "/dev/null is writable here");
    Cli.Result refused = Cli.run("cat", Fixtures.blktap("base").toString(), "-o", device.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.errLines()).singleElement().asString().contains("only with --force");
    assertThat(Cli.run("cat", Fixtures.blktap("base").toString(), "-o", device.toString(), "--force").exit()).isZero();
    assertThat(Cli.run("cat", Fixtures.blktap("base").toString(), "--force").errLines()).first().asString()
        .contains("--force only applies to cat -o FILE");
  }

  @Test
  void refusesToOverwriteAnImageOfTheChain() throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(4 << 20).write(0, new byte[512]);
    Path parent = base.writeTo(dir.resolve("base.vhd"));
    Path child = ImageBuilder.differencing(4 << 20, base.uniqueId(), "base.vhd").writeTo(dir.resolve("child.vhd"));
    byte[] before = Files.readAllBytes(parent);
    Cli.Result result = Cli.run("cat", child.toString(), "-o", dir.resolve(".").resolve("base.vhd").toString(), "--force");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.errLines()).singleElement().asString().contains("an image of the chain being read; not overwriting it");
    assertThat(Files.readAllBytes(parent)).isEqualTo(before);
  }

  @Test
  void deltaOfAChildWithoutItsParentWorksWhereTheResolvedDiskFails() throws IOException {
    Path image = Fixtures.dfvfs("fat-differential.vhd");
    Cli.Result delta = Cli.run("cat", "--delta", image.toString());
    assertThat(delta.exit()).isZero();
    try (VirtualDisk disk = VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(image),
        VhdOptions.defaults()))) {
      assertThat(Fixtures.sha256(delta.stdout())).isEqualTo(Fixtures.sha256(disk));
    }

    Cli.Result resolved = Cli.run("cat", image.toString());
    assertThat(resolved.exit()).isEqualTo(2);
    assertThat(resolved.stdout()).isEmpty();
    assertThat(resolved.errLines()).singleElement().asString()
        .startsWith("vhd: " + image + ": parent 5fa21a55-f394-aa4d-9958-1951a67d5540")
        .contains("not found; tried: " + image.resolveSibling("fat-parent.vhd"))
        .contains("C:\\Projects\\dfvfs\\test_data\\fat-parent.vhd")
        .contains("--delta");
  }

  @Test
  void deltaOfABlktapChildHoldsItsOwnSectorsAndZeros() throws IOException {
    String child = Fixtures.blktap("child").toString();
    byte[] resolved = Cli.run("cat", child).stdout();
    byte[] expected = new byte[resolved.length];
    for (String run : Expected.owners("child", owner -> owner)) {
      String[] parts = run.split(" ");
      if (parts[2].equals("child")) {
        int start = Integer.parseInt(parts[0]) * 512;
        System.arraycopy(resolved, start, expected, start, Integer.parseInt(parts[1]) * 512);
      }
    }
    assertThat(Cli.run("cat", child, "--delta").stdout()).isEqualTo(expected);
  }
}
