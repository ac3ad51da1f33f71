package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;

/** Every fixture read exactly: contents by sha256, and the owner of every sector. */
class TestFixtureChains {
  private static final String DFVFS_SHA256 = "c6db12a7db548e193c29420c1b4533e4708b20c5033db5cc29ef075d48316d25";

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapLevelResolvesToExpectedContents(String level) throws IOException {
    try (VirtualDisk disk = VirtualDisk.resolved(open(Fixtures.blktap(level)))) {
      assertThat(disk.size()).isEqualTo(8L << 20);
      assertThat(Fixtures.sha256(disk)).isEqualTo(Fixtures.blktapSha256(level));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void blktapLevelRunsMatchOwners(String level) throws IOException {
    try (VirtualDisk disk = VirtualDisk.resolved(open(Fixtures.blktap(level)))) {
      List<String> names = disk.chain().layers().stream()
          .map(layer -> layer.location().fileName().replace(".vhd", "")).toList();
      List<String> actual = new ArrayList<>();
      BlockRuns runs = new BlockRuns();
      long pendingStart = -1;
      int pendingLength = 0;
      String pendingOwner = null;
      for (int block = 0; block < disk.blockCount(); block++) {
        disk.runs(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          String owner = runs.layer(i) == BlockRuns.ZEROS ? "-" : names.get(runs.layer(i));
          if (owner.equals(pendingOwner) && pendingStart + pendingLength == runs.start(i)) {
            pendingLength += runs.length(i);
            continue;
          }
          if (pendingOwner != null) {
            actual.add(pendingStart + "\t" + pendingLength + "\t" + pendingOwner);
          }
          pendingStart = runs.start(i);
          pendingLength = runs.length(i);
          pendingOwner = owner;
        }
      }
      actual.add(pendingStart + "\t" + pendingLength + "\t" + pendingOwner);
      assertThat(actual).containsExactlyElementsOf(expectedOwners(level));
    }
  }

  @Test
  void blktapChainIsFoundThroughRelativeLocators() throws IOException {
    try (VhdChain chain = open(Fixtures.blktap("level3"))) {
      assertThat(chain.layers()).extracting(layer -> layer.location().fileName())
          .containsExactly("level3.vhd", "grandchild.vhd", "child.vhd", "base.vhd");
      assertThat(chain.image().type()).isEqualTo(DiskType.DIFFERENCING);
      assertThat(chain.layers().get(3).image().type()).isEqualTo(DiskType.DYNAMIC);
      assertThat(chain.image().batmap()).isPresent();
      assertThat(chain.image().locatorPaths()).extracting(VhdImage.LocatorPath::path)
          .containsExactly("file://./grandchild.vhd", ".\\grandchild.vhd", ".\\grandchild.vhd");
    }
  }

  @Test
  void dfvfsImageNeedsChecksumOptOut() throws IOException {
    Path image = Fixtures.dfvfs("image.vhd");
    assertThatThrownBy(() -> open(image))
        .isInstanceOf(VhdFormatException.class)
        .hasMessageContaining("image.vhd: footer field 'checksum'");
    try (VirtualDisk disk = VirtualDisk.resolved(open(image, lenient()))) {
      assertThat(disk.size()).isEqualTo(104_448);
      assertThat(Fixtures.sha256(disk)).isEqualTo(DFVFS_SHA256);
      assertThat(disk.chain().findings()).anyMatch(f -> f.message().contains("checksum"));
    }
  }

  @Test
  void dfvfsDifferentialFindsParentByNameWithoutLocators() throws IOException {
    try (VirtualDisk disk = VirtualDisk.resolved(open(Fixtures.dfvfs("image-differential.vhd"), lenient()))) {
      assertThat(disk.chain().image().locatorPaths()).isEmpty();
      assertThat(disk.chain().layers()).extracting(layer -> layer.location().fileName())
          .containsExactly("image-differential.vhd", "image.vhd");
      assertThat(disk.chain().layers().get(1).image().footer().uniqueId())
          .hasToString("d49c5c80-350a-4a89-898a-5ad6d10f6578");
      assertThat(Fixtures.sha256(disk)).isEqualTo(DFVFS_SHA256);
    }
  }

  @Test
  void windowsChildWithoutParentFailsNamingEveryPathTried() {
    Path image = Fixtures.dfvfs("fat-differential.vhd");
    assertThatThrownBy(() -> open(image))
        .isInstanceOf(ParentNotFoundException.class)
        .hasMessageContaining("5fa21a55-f394-aa4d-9958-1951a67d5540")
        .hasMessageContaining(image.resolveSibling("fat-parent.vhd") + " (from W2ku")
        .hasMessageContaining("C:\\Projects\\dfvfs\\test_data\\fat-parent.vhd");
  }

  @Test
  void windowsChildDeltaIsReadableWithoutParent() throws IOException {
    Location location = Location.of(Fixtures.dfvfs("fat-differential.vhd"));
    try (VirtualDisk disk = VirtualDisk.delta(VhdChain.openImageOnly(LocalImageStore.INSTANCE, location, VhdOptions.defaults()))) {
      VhdImage image = disk.chain().image();
      assertThat(image.footer().creatorApplicationName()).isEqualTo("win");
      assertThat(image.locatorPaths()).extracting(l -> l.locator().codeLabel() + "=" + l.path())
          .containsExactly("W2ku=C:\\Projects\\dfvfs\\test_data\\fat-parent.vhd", "W2ru=.\\fat-parent.vhd");
      assertThat(disk.size()).isEqualTo(4L << 20);
      Fixtures.sha256(disk);
    }
  }

  static VhdChain open(Path path) throws IOException {
    return open(path, VhdOptions.defaults());
  }

  static VhdChain open(Path path, VhdOptions options) throws IOException {
    return VhdChain.open(LocalImageStore.INSTANCE, Location.of(path), options);
  }

  static VhdOptions lenient() {
    return VhdOptions.defaults().withoutChecksumVerification();
  }


  private static List<String> expectedOwners(String level) throws IOException {
    return Files.readAllLines(Fixtures.blktapExpected(level + ".owners.txt")).stream()
        .filter(line -> !line.startsWith("#") && !line.isBlank())
        .map(line -> String.join("\t", line.trim().split("\\s+")))
        .toList();
  }
}
