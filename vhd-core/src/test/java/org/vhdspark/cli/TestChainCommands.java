package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.cli.WriteTesting.assertClean;
import static org.vhdspark.cli.WriteTesting.assertUsageError;
import static org.vhdspark.cli.WriteTesting.cat;
import static org.vhdspark.cli.WriteTesting.failure;
import static org.vhdspark.cli.WriteTesting.files;
import static org.vhdspark.cli.WriteTesting.ok;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.testing.Fixtures;

/** diff, commit and convert. */
class TestChainCommands {
  private static final String[] LEVELS = {"base", "child", "grandchild", "level3"};

  @TempDir
  Path dir;

  @ParameterizedTest(name = "diff {0} {1}")
  @CsvSource({"base,level3", "child,grandchild", "grandchild,level3", "level3,base", "base,base"})
  void diffOfBlktapLevelsCatsAsTheSecond(String a, String b) throws IOException {
    String child = dir.resolve("diff.vhd").toString();
    String allow = "--allow-parent-dir=" + Fixtures.blktapDir();
    Map<String, Object> diff = ok("diff", Fixtures.blktap(a).toString(), Fixtures.blktap(b).toString(), "-o", child);
    assertThat(diff).containsEntry("path", child).containsEntry("parent", Fixtures.blktap(a).toString());
    long sectors = (Long) diff.get("sectors");
    assertThat(diff).containsEntry("bytes", sectors * 512);
    if (a.equals(b)) {
      assertThat(sectors).isZero();
    } else {
      assertThat(sectors).isPositive();
    }

    byte[] disk = cat(child, allow);
    assertThat(disk).isEqualTo(cat(Fixtures.blktap(b).toString()));
    assertThat(Fixtures.sha256(disk)).isEqualTo(Expected.sha256(b));
    assertClean(child, allow);
    // The child stores exactly the differing sectors.
    long stored = Cli.run("map", "--delta", child).outLines().stream().map(line -> TestingJson.object(TestingJson.parse(line)))
        .filter(run -> run.get("layer") != null).mapToLong(run -> (Long) run.get("length")).sum();
    assertThat(stored).isEqualTo(sectors);
  }

  @Test
  void diffOfGeneratedImages() throws IOException {
    Random random = new Random(7);
    String a = dir.resolve("a.vhd").toString();
    String b = dir.resolve("b.vhd").toString();
    ok("create", a, "--size", "5M", "--block-size", "512K");
    ok("create", b, "--size", "5M", "--type", "fixed");
    byte[] common = new byte[3 << 20];
    random.nextBytes(common);
    Path commonFile = Files.write(dir.resolve("common.bin"), common);
    ok("write", a, "--offset", "0", "-i", commonFile.toString());
    ok("write", b, "--offset", "0", "-i", commonFile.toString());
    write(b, 1000, new byte[] {9});                 // one sector
    write(b, (2 << 20) + 511, new byte[] {1, 2});   // two sectors across a boundary
    write(b, 4 << 20, new byte[4096]);               // zeros where a holds nothing: no difference
    write(b, (4 << 20) + 8192, filled(4096, 3));     // eight sectors where a holds nothing
    write(b, 0, new byte[512]);                      // zeros hiding a's data

    String child = dir.resolve("sub").resolve("a-to-b.vhd").toString();
    Files.createDirectories(dir.resolve("sub"));
    Map<String, Object> diff = ok("diff", a, b, "--output", child);
    assertThat(diff).containsEntry("sectors", 1L + 2 + 8 + 1).containsEntry("bytes", 12L * 512);
    String allow = "--allow-parent-dir=" + dir;
    assertThat(cat(child, allow)).isEqualTo(cat(b));
    assertClean(child, allow);
  }

  @Test
  void diffErrors() throws IOException {
    String a = dir.resolve("a.vhd").toString();
    String b = dir.resolve("b.vhd").toString();
    String c = dir.resolve("c.vhd").toString();
    ok("create", a, "--size", "1M");
    ok("create", b, "--size", "2M");
    assertThat(failure(Cli.run("diff", a, b, "-o", c)))
        .isEqualTo("vhd: cannot diff " + a + " (1048576 bytes) and " + b + " (2097152 bytes): the disks differ in size");
    assertThat(failure(Cli.run("diff", a, a, "-o", b))).contains(b + ": already exists");
    assertThat(failure(Cli.run("diff", a, dir.resolve("none.vhd").toString(), "-o", c))).isEqualTo("vhd: " + dir.resolve("none.vhd")
        + ": no such file");
    assertUsageError(Cli.run("diff", a, b), "diff needs -o FILE, the new image to write");
    assertUsageError(Cli.run("diff", a, b, "-o", "-"), "diff writes an image file: -o needs a FILE, not '-'");
    assertUsageError(Cli.run("diff", a, "-o", c), "diff needs A and B");
    assertUsageError(Cli.run("diff", a, b, c), "diff takes A and B; unexpected argument '" + c + "'");
    assertUsageError(Cli.run("diff", a, b, "-o", c, "--type", "fixed"), "option --type does not apply to diff");
    assertThat(files(dir)).containsExactly("a.vhd", "b.vhd");
  }

  @Test
  void commitOfBlktapLevel3MakesItsParentEqualIt() throws IOException {
    for (String level : LEVELS) {
      Path copy = Files.copy(Fixtures.blktap(level), dir.resolve(level + ".vhd"));
      assertThat(copy.toFile().setWritable(true)).isTrue();
    }
    String level3 = dir.resolve("level3.vhd").toString();
    String grandchild = dir.resolve("grandchild.vhd").toString();
    byte[] before = cat(level3);
    assertThat(Fixtures.sha256(before)).isEqualTo(Expected.sha256("level3"));

    Map<String, Object> commit = ok("commit", level3);
    assertThat(commit).containsEntry("path", level3).containsEntry("parent", grandchild);
    assertThat((Long) commit.get("sectors")).isPositive();
    assertThat(commit).containsEntry("bytes", (Long) commit.get("sectors") * 512);

    assertThat(cat(grandchild)).isEqualTo(before);
    assertThat(cat(level3)).isEqualTo(before);
    assertClean(grandchild);
    assertClean(level3);
  }

  @Test
  void commitOfAGeneratedSnapshot() throws IOException {
    String base = dir.resolve("base.vhd").toString();
    String child = dir.resolve("child.vhd").toString();
    ok("create", base, "--size", "3M", "--type", "fixed");
    write(base, 0, filled(1 << 20, 4));
    ok("snapshot", base, child);
    write(child, 700_001, filled(5000, 6));
    byte[] before = cat(child);
    assertThat(ok("commit", child)).containsEntry("parent", base).containsEntry("sectors", 10L);
    assertThat(cat(base)).isEqualTo(before);
    assertThat(cat(child)).isEqualTo(before);
    assertClean(child);
  }

  @Test
  void commitErrors() throws IOException {
    String base = dir.resolve("base.vhd").toString();
    ok("create", base, "--size", "1M");
    assertThat(failure(Cli.run("commit", base)))
        .isEqualTo("vhd: " + base + ": a dynamic image has no parent; only a differencing image can be committed");
    String child = dir.resolve("child.vhd").toString();
    ok("snapshot", base, child);
    Files.move(Path.of(base), dir.resolve("moved.vhd"));
    assertThat(failure(Cli.run("commit", child))).startsWith("vhd: " + child + ": parent ").contains("--parent");
    assertThat(ok("commit", child, "--parent", child + "=" + dir.resolve("moved.vhd")))
        .containsEntry("parent", dir.resolve("moved.vhd").toString()).containsEntry("sectors", 0L);
    assertUsageError(Cli.run("commit"), "commit needs a CHILD");
    assertUsageError(Cli.run("commit", child, "-o", "x.vhd"), "option --output does not apply to commit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "fixed"})
  void convertOfLevel3HasItsDiskAndIsClean(String type) throws IOException {
    String out = dir.resolve("flat.vhd").toString();
    Map<String, Object> convert = type.equals("dynamic")
        ? ok("convert", Fixtures.blktap("level3").toString(), "-o", out)
        : ok("convert", "--type", "fixed", Fixtures.blktap("level3").toString(), "-o", out);
    assertThat(convert).containsEntry("path", out).containsEntry("source", Fixtures.blktap("level3").toString())
        .containsEntry("type", type).containsEntry("virtualSize", 8L << 20);
    assertThat(Fixtures.sha256(cat(out))).isEqualTo(Expected.sha256("level3"));
    assertClean(out);
    Map<String, Object> info = TestingJson.object(Cli.run("info", out).json());
    assertThat(info).containsEntry("type", type).containsEntry("virtualSize", 8L << 20).containsEntry("parent", null);
  }

  @Test
  void convertErrors() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "1M");
    assertThat(failure(Cli.run("convert", image, "-o", image))).contains(image + ": already exists");
    String child = dir.resolve("child.vhd").toString();
    ok("snapshot", image, child);
    Files.delete(Path.of(image));
    String out = dir.resolve("out.vhd").toString();
    assertThat(failure(Cli.run("convert", child, "-o", out))).startsWith("vhd: " + child + ": parent ");
    assertUsageError(Cli.run("convert", child), "convert needs -o FILE, the new image to write");
    assertUsageError(Cli.run("convert", child, "-o", out, "--type", "differencing"),
        "--type must be dynamic or fixed, got 'differencing'");
    assertUsageError(Cli.run("convert", child, "-o", out, "--block-size", "4K"), "option --block-size does not apply to convert");
    assertThat(files(dir)).containsExactly("child.vhd");
  }

  private static void write(String image, long offset, byte[] data) {
    Cli.Result result = Cli.runWithInput(new ByteArrayInputStream(data), "write", image, "--offset", String.valueOf(offset));
    assertThat(result.stderr()).isEmpty();
    assertThat(result.exit()).isZero();
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
