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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
  private static final int KILLS = 12;
  private static final int PIECE = 256 << 10;
  /** Kills land from the first piece of input taken to past the end of the run. */
  private static final int MAX_DELAY_MICROS = 40_000;
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
        long delay = random.nextInt(MAX_DELAY_MICROS);
        String context = "kill " + kill + ": " + length + " bytes at " + offset + ", killed " + delay + " µs into the input";

        writeAndKill(image, offset, data, delay);

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
   * Runs {@code vhd write}, feeding it {@code data} as fast as it takes it, and kills it (SIGKILL)
   * {@code delayMicros} after it took the first piece: while it writes, or closes, or after it ended.
   */
  private static void writeAndKill(String image, int offset, byte[] data, long delayMicros) throws Exception {
    Process process = new ProcessBuilder(javaCommand("write", image, "--offset", Integer.toString(offset)))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    CountDownLatch started = new CountDownLatch(1);
    Thread feeder = new Thread(() -> {
      try (OutputStream in = process.getOutputStream()) {
        for (int at = 0; at < data.length; at += PIECE) {
          in.write(data, at, Math.min(PIECE, data.length - at));
          started.countDown();
        }
      } catch (IOException killed) {
        // The process is gone: it takes no more input.
      } finally {
        started.countDown();
      }
    }, "feeder");
    feeder.start();
    started.await();
    LockSupport.parkNanos(delayMicros * 1000);
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed process ended").isTrue();
    feeder.join();
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
