package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.cli.WriteTesting.assertClean;
import static org.vhdspark.cli.WriteTesting.assertUsageError;
import static org.vhdspark.cli.WriteTesting.cat;
import static org.vhdspark.cli.WriteTesting.failure;
import static org.vhdspark.cli.WriteTesting.ok;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestWriteCommand {
  @TempDir
  Path dir;

  private final Random random = new Random(42);

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "fixed"})
  void unalignedWritesFromStdinAndFromAFileShowInCat(String type) throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "8M", "--type", type);
    byte[] expected = new byte[8 << 20];

    // From stdin: odd offset and length, across a sector boundary.
    byte[] small = bytes(1001);
    Cli.Result fromStdin = Cli.runWithInput(new ByteArrayInputStream(small), "write", image, "--offset", "1000003");
    assertThat(fromStdin.exit()).isZero();
    assertThat(fromStdin.stderr()).isEmpty();
    assertThat(TestingJson.object(fromStdin.json())).containsEntry("path", image).containsEntry("offset", 1_000_003L)
        .containsEntry("bytes", 1001L);
    System.arraycopy(small, 0, expected, 1_000_003, small.length);
    assertThat(cat(image)).isEqualTo(expected);

    // From a file: several chunks, across block boundaries, overlapping the first write; "-" is stdin.
    byte[] large = bytes((5 << 20) / 2 + 333);
    Path input = Files.write(dir.resolve("input.bin"), large);
    assertThat(ok("write", image, "--offset=999999", "-i", input.toString())).containsEntry("bytes", (long) large.length);
    System.arraycopy(large, 0, expected, 999_999, large.length);
    byte[] tail = bytes(77);
    assertThat(Cli.runWithInput(new ByteArrayInputStream(tail), "write", image, "--offset", "8M", "--input", "-").exit()).isEqualTo(2);
    assertThat(Cli.runWithInput(new ByteArrayInputStream(tail), "write", image, "--offset", "8191K", "--input", "-").exit()).isZero();
    System.arraycopy(tail, 0, expected, 8191 * 1024, tail.length);
    assertThat(cat(image)).isEqualTo(expected);

    // Exactly up to the last byte, and nothing at the very end.
    byte[] last = bytes(513);
    assertThat(ok("write", image, "--offset", String.valueOf(expected.length - last.length), "-i",
        Files.write(dir.resolve("last.bin"), last).toString())).containsEntry("bytes", 513L);
    System.arraycopy(last, 0, expected, expected.length - last.length, last.length);
    assertThat(ok("write", image, "--offset", "8M")).containsEntry("bytes", 0L);
    assertThat(cat(image)).isEqualTo(expected);
    assertClean(image);
  }

  @Test
  void writeIntoASnapshotLeavesTheParentAsItIs() throws IOException {
    String base = dir.resolve("base.vhd").toString();
    String child = dir.resolve("child.vhd").toString();
    ok("create", base, "--size", "4M", "--block-size", "64K");
    byte[] data = bytes(200_000);
    ok("write", base, "--offset", "0", "-i", Files.write(dir.resolve("a.bin"), data).toString());
    byte[] parentDisk = cat(base);
    ok("snapshot", base, child);

    byte[] patch = bytes(3);
    assertThat(Cli.runWithInput(new ByteArrayInputStream(patch), "write", child, "--offset", "100001").exit()).isZero();
    byte[] expected = parentDisk.clone();
    System.arraycopy(patch, 0, expected, 100_001, patch.length);
    assertThat(cat(child)).isEqualTo(expected);
    assertThat(cat(base)).isEqualTo(parentDisk);
    assertThat(TestingJson.object(Cli.run("info", child).json())).containsEntry("allocatedBlocks", 1L);
    assertClean(child);
  }

  @Test
  void aFileThatWouldPassTheEndIsRefusedBeforeAnythingIsWritten() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "1M");
    byte[] before = Files.readAllBytes(Path.of(image));
    Path input = Files.write(dir.resolve("input.bin"), bytes(4097));
    assertThat(failure(Cli.run("write", image, "--offset", "1044480", "-i", input.toString()))).isEqualTo("vhd: " + image
        + ": " + input + " holds 4,097 bytes; written at offset 1,044,480 they would pass the end of the disk (1,048,576 bytes);"
        + " nothing written");
    assertThat(Files.readAllBytes(Path.of(image))).isEqualTo(before);
    assertThat(failure(Cli.run("write", image, "--offset", "1048577", "-i", input.toString())))
        .isEqualTo("vhd: " + image + ": --offset 1,048,577 is past the end of the disk (1,048,576 bytes)");
    assertThat(Files.readAllBytes(Path.of(image))).isEqualTo(before);
  }

  @Test
  void aStreamThatPassesTheEndStopsAtTheChunkThatWouldPassIt() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", String.valueOf((3 << 20) - 512));
    byte[] input = bytes(3 << 20);
    Cli.Result result = Cli.runWithInput(new ByteArrayInputStream(input), "write", image, "--offset", "524388");
    assertThat(failure(result)).isEqualTo("vhd: " + image + ": the input passes the end of the disk (3,145,216 bytes) when"
        + " written at offset 524,388: it holds more than 2,620,828 bytes; the first 1,572,764 bytes were written");
    // Chunks end at whole MiB of the disk: 524,188 bytes to 1 MiB, then 1 MiB were written; the next would pass the end.
    byte[] expected = new byte[(3 << 20) - 512];
    System.arraycopy(input, 0, expected, 524_388, 1_572_764);
    assertThat(cat(image)).isEqualTo(expected);
    assertClean(image);
  }

  @Test
  void inputIsStreamedNotReadWhole() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "16M");
    long[] largestRead = {0};
    long total = 12L << 20;
    InputStream endless = new InputStream() {
      long left = total;

      @Override
      public int read() {
        return left-- > 0 ? 1 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        largestRead[0] = Math.max(largestRead[0], len);
        int n = (int) Math.min(len, left);
        if (n <= 0) {
          return -1;
        }
        Arrays.fill(b, off, off + n, (byte) 1);
        left -= n;
        return n;
      }
    };
    Cli.Result result = Cli.runWithInput(endless, "write", image, "--offset", "1M");
    assertThat(result.exit()).isZero();
    assertThat(TestingJson.object(result.json())).containsEntry("bytes", total);
    assertThat(largestRead[0]).isLessThanOrEqualTo(WriteCommand.CHUNK);
    byte[] disk = cat(image);
    assertThat(Arrays.copyOfRange(disk, 1 << 20, 13 << 20)).containsOnly(1);
    assertThat(Arrays.copyOfRange(disk, 13 << 20, 16 << 20)).containsOnly(0);
  }

  @Test
  void errors() throws IOException {
    String image = dir.resolve("disk.vhd").toString();
    assertThat(failure(Cli.run("write", image, "--offset", "0", "-i", image))).isEqualTo("vhd: " + image + ": no such file");
    ok("create", image, "--size", "1M");
    Path missing = dir.resolve("missing.bin");
    assertThat(failure(Cli.run("write", image, "--offset", "0", "-i", missing.toString())))
        .isEqualTo("vhd: " + missing + ": no such file");
    Path notVhd = Files.write(dir.resolve("not.vhd"), new byte[4096]);
    assertThat(failure(Cli.run("write", notVhd.toString(), "--offset", "0"))).startsWith("vhd: " + notVhd + ": ");

    assertUsageError(Cli.run("write", image), "write needs --offset OFFSET, the byte of the disk to write at");
    assertUsageError(Cli.run("write", "--offset", "0"), "write needs an IMAGE");
    assertUsageError(Cli.run("write", image, "--offset=-1"),
        "--offset needs a number of bytes, optionally with K, M, G or T (binary units), got '-1'");
    assertUsageError(Cli.run("write", image, "--offset", "0", "-o", "x"), "option --output does not apply to write");
    assertUsageError(Cli.run("write", image, "--offset", "0", "-i"), "option -i needs a value");
  }

  @Test
  void aChildWhoseParentIsMissingCannotBeWritten() throws IOException {
    String base = dir.resolve("base.vhd").toString();
    String child = dir.resolve("child.vhd").toString();
    ok("create", base, "--size", "1M");
    ok("snapshot", base, child);
    Files.delete(Path.of(base));
    byte[] before = Files.readAllBytes(Path.of(child));
    assertThat(failure(Cli.runWithInput(new ByteArrayInputStream(new byte[10]), "write", child, "--offset", "5")))
        .startsWith("vhd: " + child + ": parent ").contains("--parent");
    assertThat(Files.readAllBytes(Path.of(child))).isEqualTo(before);
  }

  private byte[] bytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
