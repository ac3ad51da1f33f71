package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.Finding;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.FileReadSource;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadSource;
import org.vhdspark.io.ReadWriteFile;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

/**
 * Images joined from fragments written apart (as Spark tasks will write them) read exactly as the
 * same blocks assembled in one file, and pass vhd check.
 */
class TestFragmentedImage {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;
  private static final int BLOCK = 64 * 1024;
  private static final int BITMAP = 512;

  @TempDir
  Path dir;

  @Test
  void aDynamicImageFromShuffledFragmentsReadsAsTheAssembledOne() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(64L * BLOCK + 4096).withBlockSize(BLOCK);
    assertSameAsAssembled(spec, 7, 3);
  }

  @Test
  void aChildFromFragmentsResolvesThroughItsParent() throws IOException {
    byte[] parentData = new byte[3 * BLOCK];
    new Random(1).nextBytes(parentData);
    ImageBuilder parent = ImageBuilder.dynamic(32L * BLOCK).blockSize(BLOCK).write(0, parentData);
    Path parentPath = parent.writeTo(dir.resolve("parent.vhd"));
    ImageSpec spec;
    try (VhdChain chain = VhdChain.openImageOnly(STORE, Location.of(parentPath), VhdOptions.defaults())) {
      spec = ImageSpec.childOf(chain.image(), Location.of(parentPath), Location.of(dir.resolve("joined.vhd")));
    }
    assertSameAsAssembled(spec, 11, 4);
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, Location.of(dir.resolve("joined.vhd")), VhdOptions.defaults()))) {
      assertThat(disk.chain().depth()).isEqualTo(2);
    }
  }

  @Test
  void noFragmentsMakeAnEmptyImage() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(8L * BLOCK).withBlockSize(BLOCK);
    FragmentedImage image = FragmentedImage.of(spec, List.of());
    Path out = dir.resolve("empty.vhd");
    try (ReadWriteFile file = LocalFile.create(out)) {
      image.copy(List.of(), file, 4096);
    }
    assertThat(Files.size(out)).isEqualTo(image.size());
    assertNoErrors(out);
    try (VirtualDisk disk = VirtualDisk.resolved(VhdChain.open(STORE, Location.of(out), VhdOptions.defaults()))) {
      assertThat(Fixtures.sha256(disk)).isEqualTo(Fixtures.sha256(new byte[8 * BLOCK]));
    }
  }

  @Test
  void aBlockInTwoFragmentsOrOutsideTheImageIsRefused() {
    ImageSpec spec = ImageSpec.dynamic(8L * BLOCK).withBlockSize(BLOCK);
    assertThatThrownBy(() -> FragmentedImage.of(spec, List.of(new int[] {1, 2}, new int[] {5, 2})))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("block 2 is in fragments 0 and 1");
    assertThatThrownBy(() -> FragmentedImage.of(spec, List.of(new int[] {8})))
        .hasMessage("fragment 0 holds block 8, outside the image's 8 blocks");
  }

  @Test
  void aFragmentOfTheWrongLengthIsRefused() throws IOException {
    ImageSpec spec = ImageSpec.dynamic(8L * BLOCK).withBlockSize(BLOCK);
    Path fragment = dir.resolve(".fragment-0");
    try (ReadWriteFile file = LocalFile.create(fragment)) {
      new FragmentWriter(file, spec).addBlock(3, bitmap(0, 128), ByteBuffer.allocate(BLOCK));
    }
    FragmentedImage image = FragmentedImage.of(spec, List.of(new int[] {3, 4}));
    try (ReadSource source = FileReadSource.open(fragment); ReadWriteFile out = LocalFile.create(dir.resolve("out.vhd"))) {
      assertThatThrownBy(() -> image.copy(List.of(source), out, 4096))
          .isInstanceOf(IOException.class).hasMessageContaining("fragment 0 has 66048 bytes, its blocks take 132096");
    }
  }

  /**
   * Random partial blocks, dealt to {@code fragments} fragments in shuffled order and joined, must
   * read as the same blocks given to an {@link ImageAssembler}.
   */
  private void assertSameAsAssembled(ImageSpec spec, long seed, int fragments) throws IOException {
    Random random = new Random(seed);
    List<Integer> chosen = new ArrayList<>();
    for (int block = 0; block < spec.blockCount(); block++) {
      if (random.nextInt(3) == 0) {
        chosen.add(block);
      }
    }
    Collections.shuffle(chosen, random);
    List<byte[]> bitmaps = new ArrayList<>();
    List<byte[]> datas = new ArrayList<>();
    for (int i = 0; i < chosen.size(); i++) {
      int first = random.nextInt(128);
      ByteBuffer bitmap = bitmap(first, 1 + random.nextInt(128 - first));
      bitmaps.add(bitmap.array());
      byte[] data = new byte[BLOCK];
      random.nextBytes(data);
      datas.add(data);
    }

    List<FragmentWriter> writers = new ArrayList<>();
    List<ReadWriteFile> files = new ArrayList<>();
    for (int f = 0; f < fragments; f++) {
      ReadWriteFile file = LocalFile.create(dir.resolve(".fragment-" + f));
      files.add(file);
      writers.add(new FragmentWriter(file, spec));
    }
    for (int i = 0; i < chosen.size(); i++) {
      writers.get(i % fragments).addBlock(chosen.get(i), ByteBuffer.wrap(bitmaps.get(i)), ByteBuffer.wrap(datas.get(i)));
    }
    for (ReadWriteFile file : files) {
      file.close();
    }
    FragmentedImage image = FragmentedImage.of(spec, writers.stream().map(FragmentWriter::blocks).toList());
    for (int f = 0; f < fragments; f++) {
      assertThat(writers.get(f).length()).isEqualTo(Files.size(dir.resolve(".fragment-" + f)));
    }
    Path joined = dir.resolve("joined.vhd");
    List<ReadSource> sources = new ArrayList<>();
    try (ReadWriteFile out = LocalFile.create(joined)) {
      for (int f = 0; f < fragments; f++) {
        sources.add(FileReadSource.open(dir.resolve(".fragment-" + f)));
      }
      image.copy(sources, out, 10_000);
    } finally {
      for (ReadSource source : sources) {
        source.close();
      }
    }
    assertThat(Files.size(joined)).isEqualTo(image.size());

    Path assembled = dir.resolve("assembled.vhd");
    try (ReadWriteFile out = LocalFile.create(assembled)) {
      ImageAssembler assembler = ImageAssembler.begin(out, spec);
      for (int i = 0; i < chosen.size(); i++) {
        assembler.addBlock(chosen.get(i), ByteBuffer.wrap(bitmaps.get(i)), ByteBuffer.wrap(datas.get(i)));
      }
      assembler.finish();
    }
    assertNoErrors(joined);
    try (VirtualDisk ours = VirtualDisk.delta(VhdChain.openImageOnly(STORE, Location.of(joined), VhdOptions.defaults()));
        VirtualDisk expected = VirtualDisk.delta(VhdChain.openImageOnly(STORE, Location.of(assembled), VhdOptions.defaults()))) {
      assertThat(ours.chain().image().allocatedBlockCount()).isEqualTo(chosen.size());
      assertThat(Fixtures.sha256(ours)).isEqualTo(Fixtures.sha256(expected));
    }
    Files.delete(assembled);
  }

  private static ByteBuffer bitmap(int first, int count) {
    byte[] bits = new byte[BITMAP];
    org.vhdspark.format.Bits.setRange(bits, first, count);
    return ByteBuffer.wrap(bits);
  }

  private static void assertNoErrors(Path image) throws IOException {
    List<Finding> findings = new ImageChecker(STORE, VhdOptions.defaults().withAllowedFolder(Location.of(image.getParent())))
        .check(Location.of(image));
    assertThat(findings).noneMatch(finding -> finding.severity() == Finding.Severity.ERROR);
  }
}
