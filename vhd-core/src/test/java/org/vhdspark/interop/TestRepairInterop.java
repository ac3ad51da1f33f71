package org.vhdspark.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.ChainOperations;

/**
 * Images QEMU made and wrote, damaged as a crash or another tool leaves them, then repaired: the very
 * file QEMU wrote comes back, and QEMU reads the same bytes from it as before the damage, as we do.
 */
class TestRepairInterop {
  private static final long SIZE = 5L * (1 << 20) + 512;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a block written over the end footer", "the end footer cut off", "a torn tail of odd size",
      "the copy at offset 0 zeroed"})
  void qemuReadsTheRepairedImageAsBeforeTheDamage(String damage, @TempDir Path dir) throws IOException {
    Qemu.requireTools();
    Path image = Qemu.imageWithWrites(new Qemu.Spec("dynamic", SIZE, false), dir);
    byte[] written = Files.readAllBytes(image);
    byte[] qemuBefore = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("before.raw")));

    damage(image, damage, written);
    assertThat(Files.readAllBytes(image)).isNotEqualTo(written);
    assertThat(ChainOperations.repair(LocalImageStore.INSTANCE, Location.of(image))).isNotEmpty();

    assertThat(Files.readAllBytes(image)).as("the file QEMU wrote").isEqualTo(written);
    byte[] qemuAfter = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("after.raw")));
    assertThat(Arrays.equals(qemuAfter, qemuBefore)).as("qemu-img convert before the damage and after the repair").isTrue();
    byte[] atCurrentSize = Files.readAllBytes(Qemu.convertToRawAtCurrentSize(image, dir.resolve("current-size.raw")));
    assertThat(Arrays.equals(OurReader.readAll(image, VhdOptions.defaults()), atCurrentSize)).as("our read vs QEMU's").isTrue();
  }

  private static void damage(Path image, String damage, byte[] written) throws IOException {
    int end = written.length - 512;
    byte[] junk = new byte[(2 << 20) + 512];
    new Random(11).nextBytes(junk);
    switch (damage) {
      case "a block written over the end footer" -> {
        try (LocalFile file = LocalFile.openForUpdate(image)) {
          file.write(end, ByteBuffer.wrap(junk));
        }
      }
      case "the end footer cut off" -> Files.write(image, Arrays.copyOf(written, end));
      case "a torn tail of odd size" -> {
        byte[] torn = Arrays.copyOf(written, written.length + 1000);
        System.arraycopy(junk, 0, torn, written.length, 1000);
        Files.write(image, torn);
      }
      case "the copy at offset 0 zeroed" -> {
        byte[] zeroed = written.clone();
        Arrays.fill(zeroed, 0, 512, (byte) 0);
        Files.write(image, zeroed);
      }
      default -> throw new IllegalArgumentException(damage);
    }
  }
}
