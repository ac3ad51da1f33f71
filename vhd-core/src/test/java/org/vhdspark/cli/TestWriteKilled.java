package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.cli.WriteTesting.cat;
import static org.vhdspark.cli.WriteTesting.ok;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.Finding;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.VhdWriter;

/**
 * {@code vhd write} of a few MiB into a 64 MiB dynamic image, run as a process of its own and killed
 * with SIGKILL at random moments while a busy thread loads the CPU, as the issue tried it. After each
 * kill: every sector holds its old or its new contents, {@code vhd check} finds no error, and the
 * image takes the next write (the next run, and a last one that must complete). Offsets, lengths and
 * the moments to kill are drawn from a fixed seed; where in the write a kill lands still depends on
 * timing, and whatever it is, the assertions must hold.
 */
class TestWriteKilled {
  private static final int KILLS = 10;
  private static final int PIECE = 256 << 10;
  private static final int DISK = 64 << 20;

  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void writeKilledAtRandomMomentsLeavesAValidImageThatTakesFurtherWrites() throws Exception {
    String image = dir.resolve("disk.vhd").toString();
    ok("create", image, "--size", "64M");
    Random random = new Random(14);
    AtomicBoolean busy = new AtomicBoolean(true);
    Thread load = new Thread(() -> {
      long spin = 0;
      while (busy.get()) {
        spin = spin * 6364136223846793005L + 1442695040888963407L;
      }
    }, "busy");
    load.setDaemon(true);
    load.start();
    byte[] before = cat(image);
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        int length = (2 << 20) + random.nextInt(2 << 20);
        int offset = random.nextInt(DISK - length);
        byte[] data = new byte[length];
        random.nextBytes(data);
        // Half the kills while the input streams in, half once it has ended: while the writer closes.
        int pieces = kill % 2 == 0 ? random.nextInt(length / PIECE + 1) : Integer.MAX_VALUE;
        long pause = random.nextInt(kill % 2 == 0 ? 30 : 20);
        String context = "kill " + kill + ": " + length + " bytes at " + offset + ", killed "
            + (pieces == Integer.MAX_VALUE ? "after the input ended" : "after " + pieces + " pieces of input") + " and " + pause + " ms";

        writeAndKill(image, offset, data, pieces, pause);

        byte[] after = cat(image);
        byte[] written = before.clone();
        System.arraycopy(data, 0, written, offset, length);
        assertEachSectorOldOrNew(after, before, written, context);
        assertNoErrors(image, context);
        try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, Location.of(Path.of(image)), VhdOptions.defaults())) {
          assertThat(writer.size()).as(context).isEqualTo(DISK);
        }
        before = after;
      }
    } finally {
      busy.set(false);
    }
    byte[] expected = before;
    byte[] last = new byte[3 << 20];
    random.nextBytes(last);
    ok("write", image, "--offset", "1000001", "-i", Files.write(dir.resolve("last.bin"), last).toString());
    System.arraycopy(last, 0, expected, 1_000_001, last.length);
    assertThat(cat(image)).isEqualTo(expected);
    assertNoErrors(image, "after the last write");
  }

  /**
   * Feeds {@code data} to {@code vhd write} on its stdin; after {@code pieces} pieces (all of them, and
   * the end of the input, for {@code Integer.MAX_VALUE}) and a pause, SIGKILL.
   */
  private static void writeAndKill(String image, int offset, byte[] data, int pieces, long pause) throws Exception {
    Process process = new ProcessBuilder(javaCommand("write", image, "--offset", Integer.toString(offset)))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (OutputStream in = process.getOutputStream()) {
      for (int piece = 0; piece < pieces && piece * PIECE < data.length; piece++) {
        in.write(data, piece * PIECE, Math.min(PIECE, data.length - piece * PIECE));
      }
      in.flush();
      if (pieces == Integer.MAX_VALUE) {
        in.close();
      }
      Thread.sleep(pause);
      process.destroyForcibly();
    } catch (IOException pipeClosed) {
      // The process ended before taking all it was fed: it failed, or was already killed.
      process.destroyForcibly();
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed process ended").isTrue();
  }

  /** {@code java -cp CLASSES org.vhdspark.cli.VhdCli ARGS}: vhd-core needs nothing but its own classes. */
  private static List<String> javaCommand(String... args) throws URISyntaxException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path classes = Path.of(VhdCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xmx128m", "-cp", classes.toString(), VhdCli.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  private static void assertEachSectorOldOrNew(byte[] after, byte[] before, byte[] written, String context) {
    int torn = -1;
    for (int at = 0; at < after.length && torn < 0; at += 512) {
      if (!Arrays.equals(after, at, at + 512, before, at, at + 512) && !Arrays.equals(after, at, at + 512, written, at, at + 512)) {
        torn = at / 512;
      }
    }
    assertThat(torn).as(context + ": the first sector holding neither its old nor its new contents").isEqualTo(-1);
  }

  private static void assertNoErrors(String image, String context) throws IOException {
    List<Finding> findings = new ImageChecker(LocalImageStore.INSTANCE, VhdOptions.defaults()).check(Location.of(Path.of(image)));
    assertThat(findings).as(context).noneMatch(finding -> finding.severity() == Finding.Severity.ERROR);
  }
}
