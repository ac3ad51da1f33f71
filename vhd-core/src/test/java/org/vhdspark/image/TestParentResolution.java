package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.ImageBuilder;

/** Finding parents: locators, names, the location policy, unique ids, overrides, cycles and depth. */
class TestParentResolution {
  private static final long SIZE = 1 << 20;

  @TempDir
  Path dir;

  @Test
  void relativeLocatorFindsParentInChildFolder() throws IOException {
    ImageBuilder base = base("base.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").write(8, sectors(2, 7)).writeTo(dir.resolve("child.vhd"));
    try (VirtualDisk disk = VirtualDisk.resolved(open(dir.resolve("child.vhd"), VhdOptions.defaults()))) {
      assertThat(disk.chain().depth()).isEqualTo(2);
      assertThat(read(disk, 0)).isEqualTo((byte) 1);
      assertThat(read(disk, 8 * 512)).isEqualTo((byte) 7);
    }
  }

  @Test
  void parentOutsideAllowedFoldersIsRefusedUntilAllowed() throws IOException {
    Path baseDir = Files.createDirectories(dir.resolve("bases"));
    Path childDir = Files.createDirectories(dir.resolve("children"));
    ImageBuilder base = ImageBuilder.dynamic(SIZE).write(0, sectors(1, 1));
    base.writeTo(baseDir.resolve("base.vhd"));
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").clearLocators()
        .locator(PlatformCode.W2RU, "..\\bases\\base.vhd")
        .writeTo(childDir.resolve("child.vhd"));
    Path child = childDir.resolve("child.vhd");

    assertThatThrownBy(() -> open(child, VhdOptions.defaults()))
        .isInstanceOf(ParentNotFoundException.class)
        .hasMessageContaining(baseDir.resolve("base.vhd") + " (from W2ru locator \"..\\bases\\base.vhd\") (outside the allowed folders")
        .hasMessageContaining(childDir.resolve("base.vhd") + " (from parent name \"base.vhd\") (not found)");

    try (VhdChain chain = open(child, VhdOptions.defaults().withAllowedFolder(Location.of(baseDir)))) {
      assertThat(chain.layers().get(1).location()).isEqualTo(Location.of(baseDir.resolve("base.vhd")));
    }
  }

  @Test
  void absoluteMacxPathIsRefusedOutsideAllowedFolders() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path childDir = Files.createDirectories(dir.resolve("vm"));
    ImageBuilder base = base(elsewhere, "secret base.vhd");
    String url = "file://" + elsewhere.resolve("secret base.vhd").toString().replace(" ", "%20");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "secret base.vhd").clearLocators()
        .locator(PlatformCode.MACX, url)
        .writeTo(childDir.resolve("child.vhd"));

    assertThatThrownBy(() -> open(childDir.resolve("child.vhd"), VhdOptions.defaults()))
        .isInstanceOf(ParentNotFoundException.class)
        .hasMessageContaining("outside the allowed folders");
    try (VhdChain chain = open(childDir.resolve("child.vhd"), VhdOptions.defaults().withAllowedFolder(Location.of(elsewhere)))) {
      assertThat(chain.layers().get(1).location().fileName()).isEqualTo("secret base.vhd");
    }
  }

  @Test
  void symbolicLinkOutOfTheFolderIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path childDir = Files.createDirectories(dir.resolve("vm"));
    ImageBuilder base = base(elsewhere, "base.vhd");
    Files.createSymbolicLink(childDir.resolve("base.vhd"), elsewhere.resolve("base.vhd"));
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").writeTo(childDir.resolve("child.vhd"));

    assertThatThrownBy(() -> open(childDir.resolve("child.vhd"), VhdOptions.defaults()))
        .isInstanceOf(ParentNotFoundException.class)
        .hasMessageContaining("outside the allowed folders");
  }

  @Test
  void windowsAbsoluteLocatorFallsBackToFileNameInChildFolder() throws IOException {
    ImageBuilder base = base("disk-parent.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "disk-parent.vhd").clearLocators()
        .locator(PlatformCode.W2KU, "D:\\Hyper-V\\disk-parent.vhd")
        .writeTo(dir.resolve("child.vhd"));
    try (VhdChain chain = open(dir.resolve("child.vhd"), VhdOptions.defaults())) {
      assertThat(chain.layers().get(1).location()).isEqualTo(Location.of(dir.resolve("disk-parent.vhd")));
    }
  }

  @Test
  void parentWithOtherUniqueIdIsRejectedUnlessVerificationIsOff() throws IOException {
    base("base.vhd");
    UUID recorded = UUID.fromString("11111111-2222-3333-4444-555555555555");
    ImageBuilder.differencing(SIZE, recorded, "base.vhd").writeTo(dir.resolve("child.vhd"));

    assertThatThrownBy(() -> open(dir.resolve("child.vhd"), VhdOptions.defaults()))
        .isInstanceOf(ParentNotFoundException.class)
        .hasMessageContaining("expected " + recorded);
    try (VhdChain chain = open(dir.resolve("child.vhd"), VhdOptions.defaults().withoutParentUuidVerification())) {
      assertThat(chain.depth()).isEqualTo(2);
      assertThat(chain.findings()).anyMatch(f -> f.message().contains("expected " + recorded) && f.message().contains("verification is off"));
    }
  }

  @Test
  void explicitParentOverridesLocatorsAndPolicy() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    ImageBuilder base = base(elsewhere, "renamed.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "gone.vhd").writeTo(dir.resolve("child.vhd"));
    Location child = Location.of(dir.resolve("child.vhd"));

    assertThatThrownBy(() -> open(dir.resolve("child.vhd"), VhdOptions.defaults())).isInstanceOf(ParentNotFoundException.class);
    VhdOptions options = VhdOptions.defaults().withParent(child, Location.of(elsewhere.resolve("renamed.vhd")));
    try (VhdChain chain = VhdChain.open(LocalImageStore.INSTANCE, child, options)) {
      assertThat(chain.layers().get(1).location().fileName()).isEqualTo("renamed.vhd");
    }
  }

  @Test
  void cycleBetweenTwoChildrenIsDetected() throws IOException {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    ImageBuilder.differencing(SIZE, b, "b.vhd").uniqueId(a).writeTo(dir.resolve("a.vhd"));
    ImageBuilder.differencing(SIZE, a, "a.vhd").uniqueId(b).writeTo(dir.resolve("b.vhd"));
    assertThatThrownBy(() -> open(dir.resolve("a.vhd"), VhdOptions.defaults()))
        .isInstanceOf(VhdChain.ChainException.class)
        .hasMessageContaining("loops back to " + dir.resolve("a.vhd"));
  }

  @Test
  void imageNamingItselfAsParentIsACycle() throws IOException {
    UUID self = UUID.randomUUID();
    ImageBuilder.differencing(SIZE, self, "self.vhd").uniqueId(self).writeTo(dir.resolve("self.vhd"));
    assertThatThrownBy(() -> open(dir.resolve("self.vhd"), VhdOptions.defaults()))
        .isInstanceOf(VhdChain.ChainException.class);
  }

  @Test
  void cycleThroughCopiesIsDetectedByUniqueId() throws IOException {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    ImageBuilder.differencing(SIZE, b, "b.vhd").uniqueId(a).writeTo(dir.resolve("a.vhd"));
    ImageBuilder.differencing(SIZE, a, "a-copy.vhd").uniqueId(b).writeTo(dir.resolve("b.vhd"));
    Files.copy(dir.resolve("a.vhd"), dir.resolve("a-copy.vhd"));
    assertThatThrownBy(() -> open(dir.resolve("a.vhd"), VhdOptions.defaults()))
        .isInstanceOf(VhdChain.ChainException.class)
        .hasMessageContaining("already in the chain");
  }

  @Test
  void chainDeeperThanLimitIsRefused() throws IOException {
    ImageBuilder parent = base("l0.vhd");
    for (int level = 1; level <= 5; level++) {
      ImageBuilder child = ImageBuilder.differencing(SIZE, parent.uniqueId(), "l" + (level - 1) + ".vhd");
      child.writeTo(dir.resolve("l" + level + ".vhd"));
      parent = child;
    }
    try (VhdChain chain = open(dir.resolve("l5.vhd"), VhdOptions.defaults())) {
      assertThat(chain.depth()).isEqualTo(6);
    }
    assertThatThrownBy(() -> open(dir.resolve("l5.vhd"), VhdOptions.defaults().withMaxDepth(3)))
        .isInstanceOf(VhdChain.ChainException.class)
        .hasMessageContaining("deeper than 3");
  }

  @Test
  void parentTimestampMismatchIsOnlyAWarning() throws IOException {
    ImageBuilder base = base("base.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").parentTimestamp(12345).writeTo(dir.resolve("child.vhd"));
    try (VhdChain chain = open(dir.resolve("child.vhd"), VhdOptions.defaults())) {
      assertThat(chain.findings()).anyMatch(f -> f.message().startsWith("parent timestamp"));
    }
  }

  @Test
  void parentTimestampEqualToTheParentModificationTimeIsAccepted() throws IOException {
    ImageBuilder base = base("base.vhd");
    java.time.Instant modified = java.time.Instant.parse("2024-05-06T07:08:09Z");
    Files.setLastModifiedTime(dir.resolve("base.vhd"), java.nio.file.attribute.FileTime.from(modified));
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd")
        .parentTimestamp(org.vhdspark.format.VhdFormat.instantToTimestamp(modified))
        .writeTo(dir.resolve("child.vhd"));
    try (VhdChain chain = open(dir.resolve("child.vhd"), VhdOptions.defaults())) {
      assertThat(chain.findings()).isEmpty();
    }
  }

  @Test
  void explicitParentMatchesTheChildThroughALink() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    ImageBuilder base = base(elsewhere, "renamed.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "gone.vhd").writeTo(dir.resolve("child.vhd"));
    Files.createSymbolicLink(dir.resolve("link.vhd"), dir.resolve("child.vhd"));
    VhdOptions options = VhdOptions.defaults()
        .withParent(Location.of(dir.resolve("link.vhd")), Location.of(elsewhere.resolve("renamed.vhd")));
    try (VhdChain chain = open(dir.resolve("child.vhd"), options)) {
      assertThat(chain.layers().get(1).location().fileName()).isEqualTo("renamed.vhd");
    }
  }

  @Test
  void openAvailableKeepsTheLayersFoundAndSaysWhyItStopped() throws IOException {
    ImageBuilder base = base("base.vhd");
    ImageBuilder middle = ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd");
    middle.writeTo(dir.resolve("middle.vhd"));
    ImageBuilder.differencing(SIZE, middle.uniqueId(), "middle.vhd").writeTo(dir.resolve("top.vhd"));
    Files.delete(dir.resolve("base.vhd"));

    assertThatThrownBy(() -> open(dir.resolve("top.vhd"), VhdOptions.defaults())).isInstanceOf(ParentNotFoundException.class);
    try (VhdChain chain = VhdChain.openAvailable(LocalImageStore.INSTANCE, Location.of(dir.resolve("top.vhd")),
        VhdOptions.defaults())) {
      assertThat(chain.layers()).extracting(layer -> layer.location().fileName()).containsExactly("top.vhd", "middle.vhd");
      assertThat(chain.isComplete()).isFalse();
      assertThat(chain.failure()).get().isInstanceOf(ParentNotFoundException.class)
          .extracting(Throwable::getMessage).asString().startsWith(dir.resolve("middle.vhd") + ": parent ");
      assertThatThrownBy(() -> VirtualDisk.resolved(chain)).hasMessageContaining("needs every parent");
    }
    try (VhdChain whole = VhdChain.openAvailable(LocalImageStore.INSTANCE, Location.of(dir.resolve("middle.vhd")),
        VhdOptions.defaults().withParent(Location.of(dir.resolve("middle.vhd")), Location.of(dir.resolve("top.vhd")))
            .withoutParentUuidVerification())) {
      assertThat(whole.failure()).get().isInstanceOf(VhdChain.ChainException.class);
    }
  }

  @Test
  void childWithNothingToFindItsParentByNamesThat() throws IOException {
    ImageBuilder.differencing(SIZE, UUID.randomUUID(), "").clearLocators().writeTo(dir.resolve("orphan.vhd"));
    assertThatThrownBy(() -> open(dir.resolve("orphan.vhd"), VhdOptions.defaults()))
        .isInstanceOf(ParentNotFoundException.class)
        .hasMessageContaining("tried: nothing (no locator, no name)");
  }

  @Test
  void dynamicImageWithParentFieldsIsReadWithAWarning() throws IOException {
    Path file = ImageBuilder.dynamic(SIZE).locator(PlatformCode.W2RU, ".\\x.vhd").writeTo(dir.resolve("d.vhd"));
    try (VhdChain chain = open(file, VhdOptions.defaults())) {
      assertThat(chain.depth()).isEqualTo(1);
      assertThat(chain.findings()).anyMatch(f -> f.message().contains("parent fields set"));
    }
  }

  @Test
  void parentFoundByLaterCandidateAfterUnusableOnes() throws IOException {
    ImageBuilder base = base("base.vhd");
    base("decoy.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").clearLocators()
        .locator(PlatformCode.W2RU, ".\\missing.vhd")
        .locator(PlatformCode.W2KU, ".\\decoy.vhd")
        .locator(PlatformCode.MACX, "file://./base.vhd")
        .writeTo(dir.resolve("child.vhd"));
    try (VhdChain chain = open(dir.resolve("child.vhd"), VhdOptions.defaults())) {
      assertThat(chain.layers().get(1).location().fileName()).isEqualTo("base.vhd");
    }
  }

  @Test
  void aParentIsClosedWhenCheckingItFails() throws IOException {
    ImageBuilder base = base("base.vhd");
    ImageBuilder.differencing(SIZE, base.uniqueId(), "base.vhd").writeTo(dir.resolve("child.vhd"));
    java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    org.vhdspark.io.ImageStore store = new org.vhdspark.io.ImageStore() {
      @Override
      public org.vhdspark.io.ReadSource open(Location location) throws IOException {
        open.incrementAndGet();
        return new org.vhdspark.testing.ForwardingReadSource(LocalImageStore.INSTANCE.open(location)) {
          @Override
          public void close() throws IOException {
            open.decrementAndGet();
            super.close();
          }
        };
      }

      @Override
      public boolean exists(Location location) {
        return LocalImageStore.INSTANCE.exists(location);
      }

      @Override
      public long modificationTime(Location location) throws IOException {
        throw new IOException(location + ": injected stat failure");
      }
    };
    assertThatThrownBy(() -> VhdChain.open(store, Location.of(dir.resolve("child.vhd")), VhdOptions.defaults()))
        .hasMessageContaining("injected stat failure");
    assertThat(open.get()).as("files left open").isZero();
  }

  private ImageBuilder base(String name) throws IOException {
    return base(dir, name);
  }

  private static ImageBuilder base(Path folder, String name) throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(SIZE).write(0, sectors(16, 1));
    base.writeTo(folder.resolve(name));
    return base;
  }

  private static byte[] sectors(int count, int value) {
    byte[] data = new byte[count * 512];
    java.util.Arrays.fill(data, (byte) value);
    return data;
  }

  private static byte read(VirtualDisk disk, long offset) throws IOException {
    java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
    disk.read(offset, one);
    return one.get(0);
  }

  private static VhdChain open(Path path, VhdOptions options) throws IOException {
    return VhdChain.open(LocalImageStore.INSTANCE, Location.of(path), options);
  }
}
