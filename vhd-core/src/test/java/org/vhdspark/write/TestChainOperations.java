package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vhdspark.VhdException;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

/** diff, commit and convert on the blktap fixtures and on generated chains. */
class TestChainOperations {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"base,level3", "child,grandchild", "grandchild,level3", "level3,base", "base,base"})
  void diffOfBlktapLevelsResolvesToTheSecond(String a, String b) throws IOException {
    Location child = Location.of(dir.resolve("diff.vhd"));
    VhdOptions options = VhdOptions.defaults().withAllowedFolder(Location.of(Fixtures.blktapDir()));
    long sectors = ChainOperations.diff(STORE, Location.of(Fixtures.blktap(a)), Location.of(Fixtures.blktap(b)), child, options);
    if (a.equals(b)) {
      assertThat(sectors).isZero();
    }
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, child, options))) {
      assertThat(disk.chain().layers().get(1).location()).isEqualTo(Location.of(Fixtures.blktap(a)));
      assertThat(Fixtures.sha256(disk)).isEqualTo(Fixtures.blktapSha256(b));
      assertThat(disk.chain().image().findings()).isEmpty();
    }
    try (VirtualDisk delta = VirtualDisk.delta(VhdChain.openImageOnly(STORE, child, options))) {
      long stored = 0;
      var runs = new org.vhdspark.image.BlockRuns();
      for (int block = 0; block < delta.blockCount(); block++) {
        delta.runs(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          stored += runs.layer(i) == 0 ? runs.length(i) : 0;
        }
      }
      assertThat(stored).as("the child stores exactly the differing sectors").isEqualTo(sectors);
    }
  }

  @Test
  void diffOfGeneratedImagesStoresOnlyDifferingSectors() throws IOException {
    Random random = new Random(3);
    long size = 5L << 20;
    byte[] data = new byte[(int) size];
    random.nextBytes(data);
    ImageBuilder a = ImageBuilder.dynamic(size).blockSize(512 * 1024).write(0, java.util.Arrays.copyOf(data, 3 << 20));
    a.writeTo(dir.resolve("a.vhd"));
    byte[] changed = data.clone();
    changed[1000] ^= 1;                        // sector 1
    changed[(2 << 20) + 511] ^= 1;             // last byte of a sector
    java.util.Arrays.fill(changed, 4 << 20, (4 << 20) + 4096, (byte) 9); // where a holds nothing
    java.util.Arrays.fill(changed, 3 << 20, (int) size, (byte) 0);
    java.util.Arrays.fill(changed, 4 << 20, (4 << 20) + 4096, (byte) 9);
    java.util.Arrays.fill(changed, 0, 512, (byte) 0);  // zeros hiding a's data
    ImageBuilder.dynamic(size).write(0, java.util.Arrays.copyOf(changed, (int) size)).writeTo(dir.resolve("b.vhd"));

    Location child = Location.of(dir.resolve("b-from-a.vhd"));
    long sectors = ChainOperations.diff(STORE, Location.of(dir.resolve("a.vhd")), Location.of(dir.resolve("b.vhd")), child,
        VhdOptions.defaults());
    assertThat(sectors).isEqualTo(1 + 1 + 8 + 1);
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, child, VhdOptions.defaults()))) {
      assertThat(readAll(disk)).isEqualTo(changed);
    }
  }

  @Test
  void diffOfDisksOfDifferentSizesIsRefused() throws IOException {
    ImageBuilder.dynamic(1 << 20).writeTo(dir.resolve("a.vhd"));
    ImageBuilder.dynamic(2 << 20).writeTo(dir.resolve("b.vhd"));
    assertThatThrownBy(() -> ChainOperations.diff(STORE, Location.of(dir.resolve("a.vhd")), Location.of(dir.resolve("b.vhd")),
        Location.of(dir.resolve("c.vhd")), VhdOptions.defaults()))
        .isInstanceOf(VhdException.class).hasMessageContaining("differ in size");
    assertThat(dir.resolve("c.vhd")).doesNotExist();
  }

  @Test
  void failedDiffLeavesNoFileBehind() throws IOException {
    ImageBuilder.dynamic(1 << 20).writeTo(dir.resolve("a.vhd"));
    Files.write(dir.resolve("b.vhd"), new byte[4096]);
    assertThatThrownBy(() -> ChainOperations.diff(STORE, Location.of(dir.resolve("a.vhd")), Location.of(dir.resolve("b.vhd")),
        Location.of(dir.resolve("c.vhd")), VhdOptions.defaults())).isInstanceOf(VhdException.class);
    ImageBuilder.dynamic(1 << 20).writeTo(dir.resolve("b.vhd"));
    ChainOperations.diff(STORE, Location.of(dir.resolve("a.vhd")), Location.of(dir.resolve("b.vhd")),
        Location.of(dir.resolve("c.vhd")), VhdOptions.defaults());
    assertThatThrownBy(() -> ChainOperations.diff(STORE, Location.of(dir.resolve("a.vhd")), Location.of(dir.resolve("b.vhd")),
        Location.of(dir.resolve("c.vhd")), VhdOptions.defaults())).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("a.vhd", "b.vhd", "c.vhd");
    }
  }

  @Test
  void commitOfBlktapLevelMakesParentEqualTheChild() throws IOException {
    for (String level : new String[] {"base", "child", "grandchild", "level3"}) {
      Files.copy(Fixtures.blktap(level), dir.resolve(level + ".vhd"));
      dir.resolve(level + ".vhd").toFile().setWritable(true);
    }
    Location level3 = Location.of(dir.resolve("level3.vhd"));
    long sectors = ChainOperations.commit(STORE, level3, VhdOptions.defaults());
    assertThat(sectors).isPositive();
    try (VirtualDisk parent = VirtualDisk.resolved(VhdChain.open(STORE, Location.of(dir.resolve("grandchild.vhd")), VhdOptions.defaults()));
        VirtualDisk child = VirtualDisk.resolved(VhdChain.open(STORE, level3, VhdOptions.defaults()))) {
      assertThat(Fixtures.sha256(parent)).isEqualTo(Fixtures.blktapSha256("level3"));
      assertThat(Fixtures.sha256(child)).isEqualTo(Fixtures.blktapSha256("level3"));
      assertThat(parent.chain().findings()).noneMatch(f -> f.message().contains("batmap ignored"));
    }
  }

  @Test
  void commitIntoFixedParent() throws IOException {
    Location base = Location.of(dir.resolve("base.vhd"));
    try (LocalFile file = LocalFile.create(base.toPath())) {
      ImageCreator.createFixed(file, 3L << 20);
    }
    Location child = Location.of(dir.resolve("child.vhd"));
    try (VhdChain parent = VhdChain.openImageOnly(STORE, base, VhdOptions.defaults()); LocalFile file = LocalFile.create(child.toPath())) {
      ImageCreator.create(file, ImageSpec.childOf(parent.image(), base, child));
    }
    byte[] data = new byte[70_000];
    new Random(5).nextBytes(data);
    try (VhdWriter writer = VhdWriter.open(STORE, child, VhdOptions.defaults())) {
      writer.write(1_000_000, ByteBuffer.wrap(data));
    }
    byte[] expected;
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, child, VhdOptions.defaults()))) {
      expected = readAll(disk);
    }
    ChainOperations.commit(STORE, child, VhdOptions.defaults());
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, base, VhdOptions.defaults()))) {
      assertThat(readAll(disk)).isEqualTo(expected);
    }
  }

  @Test
  void commitOfNonDifferencingImageIsRefused() throws IOException {
    ImageBuilder.dynamic(1 << 20).writeTo(dir.resolve("d.vhd"));
    assertThatThrownBy(() -> ChainOperations.commit(STORE, Location.of(dir.resolve("d.vhd")), VhdOptions.defaults()))
        .isInstanceOf(VhdException.class).hasMessageContaining("only a differencing image");
  }

  @ParameterizedTest
  @CsvSource({"level3,DYNAMIC", "level3,FIXED", "base,DYNAMIC", "child,FIXED"})
  void convertFlattensTheChain(String level, DiskType type) throws IOException {
    Path out = dir.resolve(level + "-" + type + ".vhd");
    try (VirtualDisk source = VirtualDisk.resolved(VhdChain.open(STORE, Location.of(Fixtures.blktap(level)), VhdOptions.defaults()));
        LocalFile file = LocalFile.create(out)) {
      ChainOperations.convert(source, type, file);
    }
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, Location.of(out), VhdOptions.defaults()))) {
      assertThat(disk.chain().depth()).isEqualTo(1);
      assertThat(disk.chain().image().type()).isEqualTo(type);
      assertThat(disk.chain().findings()).isEmpty();
      assertThat(Fixtures.sha256(disk)).isEqualTo(Fixtures.blktapSha256(level));
    }
  }

  private static byte[] readAll(VirtualDisk disk) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) disk.size());
    disk.read(0, all);
    return all.array();
  }

}
