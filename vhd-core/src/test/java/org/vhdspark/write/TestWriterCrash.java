package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.Finding;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.FailingFile;
import org.vhdspark.testing.ImageBuilder;

/**
 * Crashes at every write, truncation and sync of a sequence of allocating, partial-sector and
 * bitmap-changing writes, with torn writes, and with random subsets of the operations no sync made
 * durable lost (as a disk that reorders writes may lose them). At every crash point the image must
 * be valid, not only readable: {@code vhd check} finds no error in it; every sector reads a value it
 * had at some point of the sequence (before it, or after one of its writes); and it takes a further
 * write (a new block and partial sectors) that reads back, leaving the image still valid.
 */
class TestWriterCrash {
  private static final long SIZE = 6L << 20;
  private static final int BLOCK = 1 << 20;
  /** What a crash undoes of the operations no sync made durable: fixed patterns, and random ones. */
  private static final Map<String, Supplier<FailingFile.Loss>> LOSSES = new LinkedHashMap<>();

  static {
    LOSSES.put("none", () -> null);
    LOSSES.put("all", FailingFile.Loss::all);
    LOSSES.put("all but the newest", FailingFile.Loss::allButTheNewest);
    LOSSES.put("random, seed 0", () -> FailingFile.Loss.random(0));
    LOSSES.put("random, seed 1", () -> FailingFile.Loss.random(1));
  }

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "differencing", "blktap-differencing", "fixed"})
  void everyCrashPointLeavesEachSectorOldOrNew(String kind) throws IOException {
    Path pristine = prepare(kind);
    List<long[]> writes = writes();
    int total = countOperations(pristine, writes);
    assertThat(total).as("operations in the sequence").isGreaterThan(writes.size());
    List<Set<Long>> permitted = permittedSectorHashes(pristine, writes);
    Path image = pristine.resolveSibling("crash.vhd");
    for (int torn = 0; torn <= 1; torn++) {
      for (int allowed = 0; allowed < total; allowed++) {
        for (String loss : LOSSES.keySet()) {
          Files.copy(pristine, image, StandardCopyOption.REPLACE_EXISTING);
          int allowedOps = allowed;
          int tornSectors = torn * 3;
          assertThatThrownBy(() -> replay(image, writes, allowedOps, tornSectors, LOSSES.get(loss).get()))
              .as(kind + ": crash after " + allowed + " of " + total + " operations")
              .isInstanceOf(FailingFile.CrashException.class);
          String context = kind + " crash after " + allowed + " of " + total + " (torn " + tornSectors
              + ", unsynced operations lost: " + loss + ")";
          assertValid(image, context);
          byte[] content = checkReadable(image, permitted, context);
          writeAgain(image, content, context);
          assertValid(image, context + ", then written again");
        }
      }
    }
  }

  private Path prepare(String kind) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(kind));
    Random random = new Random(7);
    if (kind.equals("fixed")) {
      try (LocalFile file = LocalFile.create(folder.resolve("image.vhd"))) {
        ImageCreator.createFixed(file, SIZE);
      }
      return folder.resolve("image.vhd");
    }
    ImageBuilder base = ImageBuilder.dynamic(SIZE).blockSize(BLOCK);
    for (int i = 0; i < 6; i++) {
      byte[] data = new byte[512 * (1 + random.nextInt(300))];
      random.nextBytes(data);
      base.write(random.nextInt((int) (SIZE / 512) - data.length / 512), data);
    }
    if (kind.equals("dynamic")) {
      return base.writeTo(folder.resolve("image.vhd"));
    }
    // A parent full of data, so that a child sector exposed too early reads visibly wrong.
    byte[] everything = new byte[(int) SIZE];
    random.nextBytes(everything);
    base.write(0, everything);
    base.writeTo(folder.resolve("base.vhd"));
    ImageBuilder child = ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").blockSize(BLOCK);
    if (kind.startsWith("blktap")) {
      child.withBatmap();
    }
    byte[] data = new byte[512 * 40];
    random.nextBytes(data);
    child.write(2100, data);
    return child.writeTo(folder.resolve("image.vhd"));
  }

  /** Offsets and lengths: new blocks, partial sectors, bitmap changes, a block filled whole, zeros. */
  private static List<long[]> writes() {
    List<long[]> writes = new ArrayList<>();
    writes.add(new long[] {100, 1000});                  // partial sectors, existing or new block
    writes.add(new long[] {2L * BLOCK + 7, 3000});       // new block, partial head
    writes.add(new long[] {2100 * 512 + 512 * 45, 512}); // allocated block, new bitmap bit
    writes.add(new long[] {4L * BLOCK, BLOCK});          // a whole block (a batmap is left as it is)
    writes.add(new long[] {BLOCK - 300, 600});           // across a block boundary
    writes.add(new long[] {SIZE - 512, 512});            // the last sector
    return writes;
  }

  private static byte[] dataFor(int index, int length) {
    byte[] data = new byte[length];
    new Random(1000 + index).nextBytes(data);
    return data;
  }

  private static void replay(Path image, List<long[]> writes, int allowed, int tornSectors, FailingFile.Loss loss)
      throws IOException {
    Location location = Location.of(image);
    FailingFile file = new FailingFile(LocalFile.openForUpdate(image), allowed, tornSectors, loss);
    try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, location, VhdOptions.defaults(), file)) {
      for (int i = 0; i < writes.size(); i++) {
        writer.write(writes.get(i)[0], ByteBuffer.wrap(dataFor(i, (int) writes.get(i)[1])));
      }
    }
  }

  private int countOperations(Path pristine, List<long[]> writes) throws IOException {
    Path image = pristine.resolveSibling("count.vhd");
    Files.copy(pristine, image, StandardCopyOption.REPLACE_EXISTING);
    FailingFile file = new FailingFile(LocalFile.openForUpdate(image), Integer.MAX_VALUE, 0);
    try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults(), file)) {
      for (int i = 0; i < writes.size(); i++) {
        writer.write(writes.get(i)[0], ByteBuffer.wrap(dataFor(i, (int) writes.get(i)[1])));
      }
    }
    return file.operations();
  }

  /** For each sector, the hashes of every value it may hold: before the sequence and after each write. */
  private List<Set<Long>> permittedSectorHashes(Path pristine, List<long[]> writes) throws IOException {
    byte[] content = readAll(pristine);
    List<Set<Long>> permitted = new ArrayList<>();
    for (int s = 0; s < content.length / 512; s++) {
      permitted.add(new HashSet<>(List.of(hash(content, s))));
    }
    for (int i = 0; i < writes.size(); i++) {
      long offset = writes.get(i)[0];
      byte[] data = dataFor(i, (int) writes.get(i)[1]);
      System.arraycopy(data, 0, content, (int) offset, data.length);
      for (long s = offset / 512; s <= (offset + data.length - 1) / 512; s++) {
        permitted.get((int) s).add(hash(content, (int) s));
      }
    }
    return permitted;
  }

  /** The disk as read, once every sector is proved to hold a permitted value. */
  private static byte[] checkReadable(Path image, List<Set<Long>> permitted, String context) throws IOException {
    byte[] content = readAll(image);
    for (int s = 0; s < permitted.size(); s++) {
      assertThat(permitted.get(s)).as(context + ": sector " + s).contains(hash(content, s));
    }
    return content;
  }

  /** vhd-util check's rules find no error (the image's folder holds its parent). */
  private static void assertValid(Path image, String context) throws IOException {
    List<Finding> findings = new ImageChecker(LocalImageStore.INSTANCE, VhdOptions.defaults()).check(Location.of(image));
    assertThat(findings).as(context).noneMatch(finding -> finding.severity() == Finding.Severity.ERROR);
  }

  /** A write into a block the sequence leaves alone (new in sparse images), with partial sectors, reads back. */
  private static void writeAgain(Path image, byte[] content, String context) throws IOException {
    byte[] data = dataFor(99, 5000);
    long offset = 3L * BLOCK + 1001;
    FailingFile file = new FailingFile(LocalFile.openForUpdate(image), Integer.MAX_VALUE, 0);
    try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults(), file)) {
      writer.write(offset, ByteBuffer.wrap(data));
    }
    System.arraycopy(data, 0, content, (int) offset, data.length);
    assertThat(readAll(image)).as(context + ": the disk after a further write").isEqualTo(content);
  }

  private static byte[] readAll(Path image) throws IOException {
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults()))) {
      ByteBuffer all = ByteBuffer.allocate((int) disk.size());
      disk.read(0, all);
      return all.array();
    }
  }

  private static long hash(byte[] content, int sector) {
    return Arrays.hashCode(Arrays.copyOfRange(content, sector * 512, sector * 512 + 512)) * 31L
        + Arrays.hashCode(Arrays.copyOfRange(content, sector * 512 + 256, sector * 512 + 512));
  }
}
