package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.cli.WriteTesting.assertClean;
import static org.vhdspark.cli.WriteTesting.assertUsageError;
import static org.vhdspark.cli.WriteTesting.failure;
import static org.vhdspark.cli.WriteTesting.files;
import static org.vhdspark.cli.WriteTesting.ok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestCreateCommand {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "create {0}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "--size 10M                                         | dynamic | 10485760      | 2097152",
      "--size=1000000 --type dynamic --block-size 512K    | dynamic | 1000448       | 524288",
      "--size 1g --block-size=4k                          | dynamic | 1073741824    | 4096",
      "--size 513 --block-size 512                        | dynamic | 1024          | 512",
      "--size 2040G                                       | dynamic | 2190433320960 | 2097152",
      "--size 3000 --type fixed                           | fixed   | 3072          | null",
      "--size 10000000 --type fixed --azure               | fixed   | 10485760      | null",
      "--type=fixed --azure --size 1                      | fixed   | 1048576       | null",
      "--azure --size 4M --type fixed                     | fixed   | 4194304       | null",
  })
  void createdImageHasTheExactSizeTypeAndBlockSizeAndIsClean(String options, String type, long size, Long blockSize) {
    String image = dir.resolve("new.vhd").toString();
    List<String> args = new ArrayList<>(List.of("create", image));
    args.addAll(List.of(options.split(" ")));
    Map<String, Object> created = ok(args.toArray(String[]::new));
    assertThat(created).containsEntry("path", image).containsEntry("type", type).containsEntry("virtualSize", size)
        .containsEntry("blockSize", blockSize).containsKey("uniqueId");

    Map<String, Object> info = TestingJson.object(Cli.run("info", image).json());
    assertThat(info).containsEntry("type", type).containsEntry("virtualSize", size).containsEntry("originalSize", size)
        .containsEntry("blockSize", blockSize).containsEntry("uniqueId", created.get("uniqueId"))
        .containsEntry("allocatedBlocks", blockSize == null ? null : 0L);
    assertThat(TestingJson.array(info.get("warnings"))).isEmpty();
    assertClean(image);
    if (size <= 10 << 20) {
      assertThat(WriteTesting.cat(image)).isEqualTo(new byte[(int) size]);
    }
  }

  @Test
  void refusesAnExistingFileAndLeavesItAsItIs() throws IOException {
    Path image = Files.write(dir.resolve("taken.vhd"), new byte[] {1, 2, 3});
    assertThat(failure(Cli.run("create", image.toString(), "--size", "1M")))
        .isEqualTo("vhd: " + image + ": already exists; vhd never overwrites a file with a new image");
    assertThat(Files.readAllBytes(image)).containsExactly(1, 2, 3);

    Path link = dir.resolve("dangling.vhd");
    Files.createSymbolicLink(link, dir.resolve("nowhere.vhd"));
    assertThat(failure(Cli.run("create", link.toString(), "--size", "1M", "--type", "fixed"))).contains("already exists");
    assertThat(dir.resolve("nowhere.vhd")).doesNotExist();
    assertThat(files(dir)).containsExactly("dangling.vhd", "taken.vhd");
  }

  @Test
  void aMissingFolderIsAnError() {
    Path folder = dir.resolve("missing");
    assertThat(failure(Cli.run("create", folder.resolve("x.vhd").toString(), "--size", "1M")))
        .isEqualTo("vhd: " + folder + ": no such file");
  }

  @Test
  void badValuesAreUsageErrorsNamingTheOption() throws IOException {
    String image = dir.resolve("x.vhd").toString();
    assertUsageError(Cli.run("create", image), "create needs --size SIZE");
    assertUsageError(Cli.run("create", "--size", "1M"), "create needs an IMAGE");
    assertUsageError(Cli.run("create", image, "other.vhd", "--size", "1M"), "create takes one IMAGE; unexpected argument 'other.vhd'");
    assertUsageError(Cli.run("create", image, "--size", "ten"),
        "--size needs a number of bytes, optionally with K, M, G or T (binary units), got 'ten'");
    assertUsageError(Cli.run("create", image, "--size", "1.5G"),
        "--size needs a number of bytes, optionally with K, M, G or T (binary units), got '1.5G'");
    assertUsageError(Cli.run("create", image, "--size=0"), "--size must be more than 0 bytes");
    assertUsageError(Cli.run("create", image, "--size", "2041G"),
        "--size 2041G is larger than a VHD can be (2,190,433,320,960 bytes, 2040 GiB)");
    assertUsageError(Cli.run("create", image, "--size", "99999999999999999999"), "--size 99999999999999999999 is too large");
    assertUsageError(Cli.run("create", image, "--size", "16777216T"), "--size 16777216T is too large");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--type", "differencing"),
        "--type must be dynamic or fixed, got 'differencing'");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--block-size", "3000"),
        "--block-size must be a power of two from 512 to 2M bytes, got '3000'");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--block-size", "4M"),
        "--block-size must be a power of two from 512 to 2M bytes, got '4M'");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--block-size", "256"),
        "--block-size must be a power of two from 512 to 2M bytes, got '256'");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--type", "fixed", "--block-size", "512K"),
        "--block-size applies to dynamic images only");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--azure"),
        "--azure makes fixed images only (Azure accepts no other kind); add --type fixed");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--type", "dynamic", "--azure"),
        "--azure makes fixed images only (Azure accepts no other kind); add --type fixed");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--parent", "a=b"), "option --parent does not apply to create");
    assertUsageError(Cli.run("create", image, "--size", "1M", "--no-verify-checksums"),
        "option --no-verify-checksums does not apply to create");
    assertUsageError(Cli.run("create", image, "--size", "1M", "-o", "y.vhd"), "option --output does not apply to create");
    assertThat(files(dir)).isEmpty();
  }

  @Test
  void debugStillApplies() {
    String image = dir.resolve("x.vhd").toString();
    assertThat(Cli.run("create", image, "--size", "1M", "--debug").exit()).isZero();
    Cli.Result again = Cli.run("create", image, "--size", "1M", "--debug");
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.errLines()).anySatisfy(line -> assertThat(line).startsWith("java.nio.file.FileAlreadyExistsException"));
  }
}
