package org.vhdspark.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.Geometry;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/** New images: exact sizes, geometry, identities and locators that other readers follow. */
class TestImageCreation {
  private static final LocalImageStore STORE = LocalImageStore.INSTANCE;

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(longs = {512, 1_000_448, 5L << 20, (5L << 20) + 512, 3L << 30})
  void dynamicImageHasExactlyTheRequestedSize(long size) throws IOException {
    Path path = dir.resolve("d.vhd");
    try (LocalFile file = LocalFile.create(path)) {
      ImageCreator.create(file, ImageSpec.dynamic(size));
    }
    try (VhdChain chain = VhdChain.open(STORE, Location.of(path), VhdOptions.defaults())) {
      VhdImage image = chain.image();
      assertThat(image.type()).isEqualTo(DiskType.DYNAMIC);
      assertThat(image.virtualSize()).isEqualTo(size);
      assertThat(image.blockSize()).isEqualTo(2 << 20);
      assertThat(image.footer().geometry()).isEqualTo(Geometry.forSize(size));
      assertThat(image.footer().geometry().sizeBytes()).isLessThanOrEqualTo(size);
      assertThat(image.allocatedBlockCount()).isZero();
      assertThat(chain.findings()).isEmpty();
      assertThat(image.footer().creatorApplicationName()).isEqualTo("win");
      assertThat(image.footer().creatorVersionText()).isEqualTo("1.0");
    }
    assertThat(Files.size(path) % 512).isZero();
  }

  @Test
  void fixedImageForAzureIsAWholeNumberOfMebibytes() throws IOException {
    long size = ImageCreator.azureSize(10_000_000);
    assertThat(size).isEqualTo(10L << 20);
    Path path = dir.resolve("azure.vhd");
    try (LocalFile file = LocalFile.create(path)) {
      ImageCreator.createFixed(file, size);
    }
    assertThat(Files.size(path)).isEqualTo(size + 512);
    try (VhdChain chain = VhdChain.open(STORE, Location.of(path), VhdOptions.defaults())) {
      assertThat(chain.image().type()).isEqualTo(DiskType.FIXED);
      assertThat(chain.image().virtualSize()).isEqualTo(size);
    }
  }

  @Test
  void childRecordsParentIdentityAndRelativeLocators() throws IOException {
    Path baseDir = Files.createDirectories(dir.resolve("base images"));
    Path vmDir = Files.createDirectories(dir.resolve("vm"));
    Location base = Location.of(baseDir.resolve("golden image.vhd"));
    try (LocalFile file = LocalFile.create(base.toPath())) {
      ImageCreator.create(file, ImageSpec.dynamic(4L << 20).withBlockSize(512 * 1024));
    }
    Location child = Location.of(vmDir.resolve("disk.vhd"));
    try (VhdChain parent = VhdChain.openImageOnly(STORE, base, VhdOptions.defaults()); LocalFile file = LocalFile.create(child.toPath())) {
      ImageCreator.create(file, ImageSpec.childOf(parent.image(), base, child));
    }
    VhdOptions options = VhdOptions.defaults().withAllowedFolder(Location.of(baseDir));
    try (VhdChain chain = VhdChain.open(STORE, child, options)) {
      VhdImage image = chain.image();
      VhdImage parent = chain.layers().get(1).image();
      assertThat(image.header().orElseThrow().parentUniqueId()).isEqualTo(parent.footer().uniqueId());
      assertThat(image.header().orElseThrow().parentTimestamp()).isEqualTo(parent.footer().timestamp());
      assertThat(image.header().orElseThrow().parentUnicodeName()).isEqualTo("golden image.vhd");
      assertThat(image.blockSize()).isEqualTo(512 * 1024);
      assertThat(image.virtualSize()).isEqualTo(4L << 20);
      assertThat(image.locatorPaths()).extracting(l -> l.locator().codeLabel() + "=" + l.path()).containsExactly(
          "W2ru=..\\base images\\golden image.vhd",
          "W2ku=..\\base images\\golden image.vhd",
          "MacX=file://../base%20images/golden%20image.vhd");
      assertThat(image.locatorPaths()).allMatch(l -> l.locator().dataSpaceBytes() % 512 == 0
          && l.locator().dataSpaceBytes() >= l.locator().dataLength());
      assertThat(chain.findings()).isEmpty();
    }
  }

  @Test
  void childInParentFolderUsesDotPaths() throws IOException {
    Location base = Location.of(dir.resolve("base.vhd"));
    try (LocalFile file = LocalFile.create(base.toPath())) {
      ImageCreator.create(file, ImageSpec.dynamic(1 << 20));
    }
    Location child = Location.of(dir.resolve("child.vhd"));
    try (VhdChain parent = VhdChain.openImageOnly(STORE, base, VhdOptions.defaults()); LocalFile file = LocalFile.create(child.toPath())) {
      ImageCreator.create(file, ImageSpec.childOf(parent.image(), base, child));
    }
    try (VhdChain chain = VhdChain.open(STORE, child, VhdOptions.defaults())) {
      assertThat(chain.image().locatorPaths()).extracting(VhdImage.LocatorPath::path)
          .containsExactly(".\\base.vhd", ".\\base.vhd", "file://./base.vhd");
    }
  }
}
