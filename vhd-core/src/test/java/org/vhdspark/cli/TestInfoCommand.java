package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

class TestInfoCommand {
  @TempDir
  Path dir;

  @Test
  void describesALevel3ChainFoundThroughRelativeLocators() throws IOException {
    Cli.Result result = Cli.run("info", Fixtures.blktap("level3").toString());
    assertThat(result.exit()).isZero();
    Map<String, Object> info = TestingJson.object(result.json());
    assertThat(info).containsEntry("path", Fixtures.blktap("level3").toString())
        .containsEntry("type", "differencing")
        .containsEntry("virtualSize", 8L << 20)
        .containsEntry("blockSize", 2L << 20)
        .containsEntry("creatorApp", "tap")
        .containsEntry("creatorVersion", "1.3")
        .containsEntry("creatorHost", "")
        .containsEntry("uniqueId", uniqueId("level3"))
        .containsEntry("batmap", true)
        .containsEntry("parentError", null);
    assertThat((Long) info.get("allocatedBlocks")).isBetween(1L, 4L);

    Map<String, Object> parent = TestingJson.object(info.get("parent"));
    assertThat(parent).containsEntry("uniqueId", uniqueId("grandchild"))
        .containsEntry("name", "grandchild.vhd")
        .containsEntry("resolvedPath", Fixtures.blktap("grandchild").toString());
    assertThat(TestingJson.array(parent.get("locators"))).map(TestingJson::object)
        .extracting(locator -> locator.get("platform") + " " + locator.get("path"))
        .containsExactly("MacX file://./grandchild.vhd", "W2ku .\\grandchild.vhd", "W2ru .\\grandchild.vhd");

    List<Map<String, Object>> chain = TestingJson.array(info.get("chain")).stream().map(TestingJson::object).toList();
    assertThat(chain).extracting(layer -> layer.get("path"))
        .containsExactly(Fixtures.blktap("level3").toString(), Fixtures.blktap("grandchild").toString(),
            Fixtures.blktap("child").toString(), Fixtures.blktap("base").toString());
    assertThat(chain).extracting(layer -> layer.get("type")).containsExactly("differencing", "differencing", "differencing", "dynamic");
    assertThat(chain).extracting(layer -> layer.get("uniqueId"))
        .containsExactly(uniqueId("level3"), uniqueId("grandchild"), uniqueId("child"), uniqueId("base"));
  }

  @Test
  void baseImageHasNoParent() {
    Map<String, Object> info = TestingJson.object(Cli.run("info", Fixtures.blktap("base").toString()).json());
    assertThat(info).containsEntry("type", "dynamic").containsEntry("parent", null).containsEntry("parentError", null);
    assertThat(TestingJson.array(info.get("chain"))).hasSize(1);
  }

  @Test
  void fixedImageHasNoBlocks() throws IOException {
    Path image = ImageBuilder.fixed(3 << 20).writeTo(dir.resolve("fixed.vhd"));
    Map<String, Object> info = TestingJson.object(Cli.run("info", image.toString()).json());
    assertThat(info).containsEntry("type", "fixed").containsEntry("virtualSize", 3L << 20)
        .containsEntry("blockSize", null).containsEntry("allocatedBlocks", null);
  }

  @Test
  void missingParentIsReportedNotFatal() {
    Path image = Fixtures.dfvfs("fat-differential.vhd");
    Cli.Result result = Cli.run("info", image.toString());
    assertThat(result.exit()).isZero();
    Map<String, Object> info = TestingJson.object(result.json());
    assertThat(TestingJson.object(info.get("parent"))).containsEntry("resolvedPath", null)
        .containsEntry("uniqueId", "5fa21a55-f394-aa4d-9958-1951a67d5540");
    assertThat((String) info.get("parentError")).startsWith("parent 5fa21a55-f394-aa4d-9958-1951a67d5540")
        .contains("not found; tried: " + image.resolveSibling("fat-parent.vhd"));
    assertThat(TestingJson.array(info.get("chain"))).hasSize(1);
    assertThat(result.errLines()).singleElement().asString().startsWith("vhd: warning: " + image + ": parent ");
  }

  @Test
  void missingGrandparentShowsTheChainFoundAndWhyItStops() throws IOException {
    ImageBuilder middle = ImageBuilder.differencing(4 << 20, UUID.randomUUID(), "gone.vhd");
    middle.writeTo(dir.resolve("middle.vhd"));
    Path top = ImageBuilder.differencing(4 << 20, middle.uniqueId(), "middle.vhd").writeTo(dir.resolve("top.vhd"));
    Cli.Result result = Cli.run("info", top.toString());
    assertThat(result.exit()).isZero();
    Map<String, Object> info = TestingJson.object(result.json());
    assertThat(TestingJson.array(info.get("chain"))).hasSize(2);
    assertThat(TestingJson.object(info.get("parent"))).containsEntry("resolvedPath", dir.resolve("middle.vhd").toString());
    assertThat((String) info.get("parentError")).startsWith(dir.resolve("middle.vhd") + ": parent ").contains("not found");
  }

  @Test
  void parentOverrideReplacesTheLocators() throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(4 << 20);
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path parent = base.writeTo(elsewhere.resolve("renamed.vhd"));
    Path child = ImageBuilder.differencing(4 << 20, base.uniqueId(), "base.vhd").writeTo(dir.resolve("child.vhd"));

    assertThat(TestingJson.object(Cli.run("info", child.toString()).json()).get("parentError")).asString().contains("not found");
    Cli.Result result = Cli.run("info", child.toString(), "--parent", child + "=" + parent);
    assertThat(result.exit()).isZero();
    assertThat(TestingJson.object(TestingJson.object(result.json()).get("parent"))).containsEntry("resolvedPath", parent.toString());
  }

  @Test
  void allowParentDirLetsTheSearchLeaveTheImagesFolder() throws IOException {
    ImageBuilder base = ImageBuilder.dynamic(4 << 20);
    base.writeTo(Files.createDirectories(dir.resolve("parents")).resolve("base.vhd"));
    Path child = ImageBuilder.differencing(4 << 20, base.uniqueId(), "base.vhd").clearLocators()
        .locator(PlatformCode.W2RU, "..\\parents\\base.vhd")
        .writeTo(Files.createDirectories(dir.resolve("children")).resolve("child.vhd"));

    assertThat(TestingJson.object(Cli.run("info", child.toString()).json()).get("parentError")).asString()
        .contains("outside the allowed folders");
    Cli.Result result = Cli.run("info", "--allow-parent-dir", dir.resolve("parents").toString(), child.toString());
    assertThat(TestingJson.object(TestingJson.object(result.json()).get("parent")))
        .containsEntry("resolvedPath", dir.resolve("parents/base.vhd").toString());
  }

  @Test
  void parentUuidCheckCanBeTurnedOff() throws IOException {
    ImageBuilder.dynamic(4 << 20).writeTo(dir.resolve("base.vhd"));
    Path child = ImageBuilder.differencing(4 << 20, UUID.randomUUID(), "base.vhd").writeTo(dir.resolve("child.vhd"));
    assertThat(TestingJson.object(Cli.run("info", child.toString()).json()).get("parentError")).asString().contains("expected");
    Cli.Result result = Cli.run("info", "--no-verify-parent-uuid", child.toString());
    assertThat(TestingJson.object(result.json())).containsEntry("parentError", null);
    assertThat(result.errLines()).singleElement().asString().startsWith("vhd: warning: ").contains("verification is off");
  }

  private static String uniqueId(String level) {
    try (VhdChain chain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(Fixtures.blktap(level)), VhdOptions.defaults())) {
      return chain.image().footer().uniqueId().toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
