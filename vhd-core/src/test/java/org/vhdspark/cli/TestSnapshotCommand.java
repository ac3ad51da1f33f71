package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vhdspark.cli.WriteTesting.assertClean;
import static org.vhdspark.cli.WriteTesting.assertUsageError;
import static org.vhdspark.cli.WriteTesting.cat;
import static org.vhdspark.cli.WriteTesting.failure;
import static org.vhdspark.cli.WriteTesting.files;
import static org.vhdspark.cli.WriteTesting.ok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.testing.Fixtures;
import org.vhdspark.testing.ImageBuilder;

class TestSnapshotCommand {
  @TempDir
  Path dir;

  @Test
  void emptyChildOfAGeneratedImageIsCleanAndReadsAsItsParent() throws IOException {
    byte[] data = new byte[4096];
    java.util.Arrays.fill(data, (byte) 0x5A);
    ImageBuilder builder = ImageBuilder.dynamic(3 << 20).blockSize(512 * 1024).write(1000, data);
    Path base = builder.writeTo(dir.resolve("base.vhd"));
    String child = dir.resolve("child.vhd").toString();

    Map<String, Object> created = ok("snapshot", base.toString(), child);
    assertThat(created).containsEntry("path", child).containsEntry("parent", base.toString())
        .containsEntry("virtualSize", 3L << 20).containsEntry("blockSize", 512L * 1024);

    assertClean(child);
    Map<String, Object> info = TestingJson.object(Cli.run("info", child).json());
    assertThat(info).containsEntry("type", "differencing").containsEntry("uniqueId", created.get("uniqueId"))
        .containsEntry("allocatedBlocks", 0L).containsEntry("parentError", null);
    Map<String, Object> parent = TestingJson.object(info.get("parent"));
    assertThat(parent).containsEntry("uniqueId", builder.uniqueId().toString()).containsEntry("name", "base.vhd")
        .containsEntry("resolvedPath", base.toString());
    assertThat(TestingJson.array(parent.get("locators"))).map(TestingJson::object)
        .extracting(locator -> locator.get("platform") + " " + locator.get("path"))
        .containsExactlyInAnyOrder("W2ru .\\base.vhd", "W2ku .\\base.vhd", "MacX file://./base.vhd");
    assertThat(TestingJson.array(info.get("chain"))).map(TestingJson::object).extracting(layer -> layer.get("path"))
        .containsExactly(child, base.toString());
    assertThat(cat(child)).isEqualTo(cat(base.toString()));
  }

  @Test
  void childOfABlktapChainResolvesThroughTheWholeChainAndMovesWithItsParent() throws IOException {
    Path vm = Files.createDirectories(dir.resolve("vm"));
    Path level3 = Fixtures.blktap("level3");
    String child = vm.resolve("snap.vhd").toString();
    ok("snapshot", level3.toString(), child);
    String allow = "--allow-parent-dir=" + Fixtures.blktapDir();

    // The parent is outside the child's folder: reaching it must be allowed.
    Cli.Result refused = Cli.run("cat", child);
    assertThat(failure(refused)).contains("not found").contains("outside the allowed folders");
    assertClean(child, allow);
    assertThat(Fixtures.sha256(cat(child, allow))).isEqualTo(Expected.sha256("level3"));
    assertThat(TestingJson.array(TestingJson.object(Cli.run("info", child, allow).json()).get("chain"))).hasSize(5);

    // Moving a folder holding both keeps the chain: the locators are relative.
    Path before = Files.createDirectories(dir.resolve("before"));
    ok("create", before.resolve("base.vhd").toString(), "--size", "1M");
    ok("snapshot", before.resolve("base.vhd").toString(), before.resolve("child.vhd").toString());
    Path after = Files.move(before, dir.resolve("after"));
    Map<String, Object> info = TestingJson.object(Cli.run("info", after.resolve("child.vhd").toString()).json());
    assertThat(TestingJson.array(info.get("chain"))).map(TestingJson::object).extracting(layer -> layer.get("path"))
        .containsExactly(after.resolve("child.vhd").toString(), after.resolve("base.vhd").toString());
    assertClean(after.resolve("child.vhd").toString());
  }

  @Test
  void errors() throws IOException {
    String base = dir.resolve("base.vhd").toString();
    String child = dir.resolve("child.vhd").toString();
    assertThat(failure(Cli.run("snapshot", base, child))).isEqualTo("vhd: " + base + ": no such file");
    ok("create", base, "--size", "1M");
    Files.write(dir.resolve("child.vhd"), new byte[] {7});
    assertThat(failure(Cli.run("snapshot", base, child))).contains(child + ": already exists");
    assertThat(Files.readAllBytes(dir.resolve("child.vhd"))).containsExactly(7);

    Path notVhd = Files.write(dir.resolve("not.vhd"), new byte[4096]);
    assertThat(failure(Cli.run("snapshot", notVhd.toString(), dir.resolve("c2.vhd").toString()))).startsWith("vhd: " + notVhd + ": ");

    assertUsageError(Cli.run("snapshot", base), "snapshot needs PARENT and CHILD");
    assertUsageError(Cli.run("snapshot", base, "a", "b"), "snapshot takes PARENT and CHILD; unexpected argument 'b'");
    assertUsageError(Cli.run("snapshot", base, "c3.vhd", "--type", "fixed"), "option --type does not apply to snapshot");
    assertThat(files(dir)).isEqualTo(List.of("base.vhd", "child.vhd", "not.vhd"));
  }
}
