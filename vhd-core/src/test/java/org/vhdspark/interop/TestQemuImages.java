package org.vhdspark.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.Footer;
import org.vhdspark.format.Geometry;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.interop.Qemu.Spec;
import org.vhdspark.testing.ImageBuilder;

/**
 * QEMU's images read byte-identically: qemu-img makes them, qemu-io writes patterns into them, and
 * {@code qemu-img convert -O raw} of the same image must equal our resolved disk, size included.
 *
 * <p>Sizing: QEMU takes the size from the CHS geometry for creators {@code qemu}, {@code vpc } and
 * unknown ones, and from the footer's current size for {@code qem2}, {@code win }, {@code d2v },
 * {@code CTXS}, {@code tap\0}, and whenever the geometry is the maximum 65535/16/255. We use the current
 * size by default, the geometry only with {@link VhdOptions#withSizeFromChs()}. The images QEMU makes
 * agree under both rules (it rounds sizes up to a whole geometry, or writes {@code qem2}); crafted images
 * whose size is not CHS-exact show where the rules part.
 */
class TestQemuImages {
  @BeforeEach
  void tools() {
    Qemu.requireTools();
  }

  static Stream<Spec> specs() {
    return Qemu.specs();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void resolvedDiskEqualsQemuImgConvert(Spec spec, @TempDir Path dir) throws IOException {
    Path image = Qemu.imageWithWrites(spec, dir);
    byte[] expected = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));

    assertThat(Arrays.copyOf(expected, 512)).as("qemu-io wrote the first sector").containsOnly(0x11);
    assertThat(Arrays.copyOfRange(expected, expected.length - 512, expected.length)).as("and the last").containsOnly(0x22);
    assertSameDisk(image, OurReader.readAll(image, VhdOptions.defaults()), expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void qemuSizesAgreeWithBothSizingRules(Spec spec, @TempDir Path dir) throws IOException {
    Path image = Qemu.imageWithWrites(spec, dir);
    long qemuSize = Qemu.virtualSize(image);
    Footer footer;
    try (VhdChain chain = OurReader.imageOnly(image, VhdOptions.defaults())) {
      footer = chain.image().footer();
    }
    Geometry geometry = footer.geometry();
    if (spec.forceSize()) {
      // force_size keeps the size asked for (rounded up to a sector) and marks it with creator qem2
      // and the maximum geometry, which QEMU reads as "use the current size".
      assertThat(footer.creatorApplicationName()).isEqualTo("qem2");
      assertThat(geometry).isEqualTo(new Geometry(65535, 16, 255));
      assertThat(footer.currentSize()).isEqualTo((spec.requestedSize() + 511) / 512 * 512).isEqualTo(qemuSize);
    } else {
      // Without it, qemu-img rounds the size up to a whole CHS geometry, so both rules give one size.
      assertThat(footer.creatorApplicationName()).isEqualTo("qemu");
      assertThat(footer.currentSize()).isEqualTo(geometry.sizeBytes()).isEqualTo(qemuSize)
          .isGreaterThanOrEqualTo(spec.requestedSize());
      byte[] expected = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));
      assertSameDisk(image, OurReader.readAll(image, VhdOptions.defaults().withSizeFromChs()), expected);
    }
    assertThat(footer.creatorVersionText()).isEqualTo("5.3");
    assertThat(footer.creatorHostOsName()).isEqualTo("Wi2k");
    assertThat(footer.originalSize()).isEqualTo(footer.currentSize());
  }

  static Stream<Spec> forcedSizeSpecs() {
    return Qemu.specs().filter(Spec::forceSize);
  }

  /**
   * QEMU takes the current size, whatever the creator, when the geometry is the maximum 65535/16/255
   * ({@code VHD_MAX_GEOMETRY} in {@code block/vpc.c}): the disk is larger than CHS can describe, as in
   * every {@code qem2} image and every disk over about 127 GiB. So {@code withSizeFromChs}, "as QEMU
   * does", must read these images as QEMU does.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("forcedSizeSpecs")
  void chsSizingTakesCurrentSizeAtMaximumGeometryAsQemuDoes(Spec spec, @TempDir Path dir) throws IOException {
    Path image = Qemu.imageWithWrites(spec, dir);
    byte[] expected = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));
    assertSameDisk(image, OurReader.readAll(image, VhdOptions.defaults().withSizeFromChs()), expected);
  }

  /**
   * A 5 MiB disk is not CHS-exact: its geometry 150/4/17 holds 5,222,400 bytes. For creators QEMU
   * sizes by geometry it reads (and converts) only those; our default reads all 5 MiB, and
   * {@code withSizeFromChs} reads exactly what QEMU reads.
   */
  static Stream<Arguments> creators() {
    return Stream.of("vpc ", "qemu", "win ", "tap")
        .flatMap(creator -> Stream.of(Arguments.of(creator, DiskType.DYNAMIC), Arguments.of(creator, DiskType.FIXED)));
  }

  @ParameterizedTest(name = "creator \"{0}\", {1}")
  @MethodSource("creators")
  void craftedImageSizeFollowsCreatorAsInQemu(String creator, DiskType type, @TempDir Path dir) throws IOException {
    long size = 5L << 20;
    long chsSize = Geometry.forSize(size).sizeBytes();
    assertThat(chsSize).isEqualTo(5_222_400);
    byte[] data = new byte[(int) size];
    new Random(size).nextBytes(data);
    Arrays.fill(data, 1 << 20, 3 << 20, (byte) 0);
    ImageBuilder builder = type == DiskType.FIXED ? ImageBuilder.fixed(size) : ImageBuilder.dynamic(size);
    Path image = builder.creator(creator, 0x00050003)
        .write(0, Arrays.copyOf(data, 1 << 20))
        .write((3 << 20) / 512, Arrays.copyOfRange(data, 3 << 20, data.length))
        .writeTo(dir.resolve("crafted.vhd"));
    byte[] expected = Files.readAllBytes(Qemu.convertToRaw(image, dir.resolve("qemu.raw")));

    byte[] ours = OurReader.readAll(image, VhdOptions.defaults());
    assertSameBytes("our default read (the footer's current size) vs the data written", ours, data);
    if (creator.equals("vpc ") || creator.equals("qemu")) {
      assertThat(expected.length).as("QEMU sizes \"%s\" images by geometry", creator).isEqualTo(chsSize);
      assertSameBytes("QEMU's bytes vs the same prefix of ours", Arrays.copyOf(ours, expected.length), expected);
      assertSameDisk(image, OurReader.readAll(image, VhdOptions.defaults().withSizeFromChs()), expected);
    } else {
      assertSameDisk(image, ours, expected);
    }
  }

  static void assertSameDisk(Path image, byte[] ours, byte[] qemu) {
    assertSameBytes(image.getFileName() + ": our resolved disk vs qemu-img convert -O raw", ours, qemu);
  }

  /** Compares sizes, then names the first differing byte (AssertJ would print megabytes). */
  static void assertSameBytes(String what, byte[] actual, byte[] expected) {
    assertThat(actual.length).as("%s: size", what).isEqualTo(expected.length);
    int mismatch = Arrays.mismatch(actual, expected);
    assertThat(mismatch).as("%s: first differing byte (sector %d), -1 if none", what, mismatch / 512).isEqualTo(-1);
  }
}
