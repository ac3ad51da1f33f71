package org.vhdspark.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.interop.Qemu.Spec;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

/** {@code vhdiinfo} (libvhdi) reports the media size, disk type and identifiers we read. */
class TestVhdiinfo {
  private static final Map<String, DiskType> TYPES =
      Map.of("Fixed", DiskType.FIXED, "Dynamic", DiskType.DYNAMIC, "Differential", DiskType.DIFFERENCING);

  static Stream<Spec> qemuSpecs() {
    return Qemu.specs();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qemuSpecs")
  void qemuImages(Spec spec, @TempDir Path dir) throws IOException {
    Qemu.requireTools();
    assertSameInfo(Qemu.imageWithWrites(spec, dir), VhdOptions.defaults());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapChain(String level) throws IOException {
    assertSameInfo(Fixtures.blktap(level), VhdOptions.defaults());
  }

  @ParameterizedTest
  @ValueSource(strings = {"image.vhd", "image-differential.vhd", "fat-differential.vhd"})
  void dfvfsImages(String name) throws IOException {
    assertSameInfo(Fixtures.dfvfs(name), VhdOptions.defaults().withoutChecksumVerification());
  }

  @Test
  void craftedChild(@TempDir Path dir) throws IOException {
    long size = (3L << 20) + 512;
    ImageBuilder base = ImageBuilder.dynamic(size);
    Path child = ImageBuilder.differencing(size, base.uniqueId(), "base.vhd").write(8, new byte[4096])
        .writeTo(dir.resolve("child.vhd"));
    assertSameInfo(child, VhdOptions.defaults());
  }

  private static void assertSameInfo(Path image, VhdOptions options) throws IOException {
    Map<String, String> info = Libvhdi.info(image);
    try (VhdChain chain = OurReader.imageOnly(image, options)) {
      VhdImage ours = chain.image();
      String context = image.getFileName() + ": vhdiinfo said " + info;
      assertThat(Libvhdi.bytes(info.get("Media size"))).as(context).isEqualTo(ours.virtualSize());
      assertThat(TYPES.get(info.get("Disk type"))).as(context).isEqualTo(ours.type());
      assertThat(UUID.fromString(info.get("Identifier"))).as(context).isEqualTo(ours.footer().uniqueId());
      if (ours.isDifferencing()) {
        assertThat(UUID.fromString(info.get("Parent identifier"))).as(context)
            .isEqualTo(ours.header().orElseThrow().parentUniqueId());
      } else {
        assertThat(info).as(context).doesNotContainKey("Parent identifier");
      }
    }
  }
}
