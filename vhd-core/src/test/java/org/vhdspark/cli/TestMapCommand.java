package org.vhdspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.testing.Fixtures;

class TestMapCommand {
  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void mapOfEachBlktapLevelMatchesItsExpectedOwners(String level) throws IOException {
    Cli.Result result = Cli.run("map", Fixtures.blktap(level).toString());
    assertThat(result.exit()).isZero();
    assertThat(runs(result)).containsExactlyElementsOf(Expected.owners(level, owner -> owner));
  }

  @Test
  void layersAreNumberedFromTheImageDown() {
    Cli.Result result = Cli.run("map", Fixtures.blktap("level3").toString());
    for (String line : result.outLines()) {
      Map<String, Object> run = TestingJson.object(TestingJson.parse(line));
      assertThat(run).containsOnlyKeys("start", "length", "layer", "path");
      List<String> chain = List.of("level3", "grandchild", "child", "base");
      if (run.get("layer") != null) {
        assertThat(run.get("path")).isEqualTo(Fixtures.blktap(chain.get(((Long) run.get("layer")).intValue())).toString());
      }
    }
  }

  @Test
  void deltaMapCoversOnlyTheImagesOwnSectors() throws IOException {
    Cli.Result result = Cli.run("map", "--delta", Fixtures.blktap("child").toString());
    assertThat(result.exit()).isZero();
    // In the child's resolved map its own runs are exactly the sectors it holds; everything else is someone else's.
    assertThat(runs(result)).containsExactlyElementsOf(Expected.owners("child", owner -> owner.equals("child") ? "child" : "-"));
    assertThat(result.outLines()).allSatisfy(line -> assertThat(line).containsAnyOf("\"layer\":0,", "\"layer\":null,"));
  }

  @Test
  void deltaMapOfAChildWithoutItsParentWorks() {
    Cli.Result result = Cli.run("map", "--delta", Fixtures.dfvfs("fat-differential.vhd").toString());
    assertThat(result.exit()).isZero();
    long covered = result.outLines().stream()
        .mapToLong(line -> (Long) TestingJson.object(TestingJson.parse(line)).get("length")).sum();
    assertThat(covered).isEqualTo((4L << 20) / 512);
  }

  /** The output as "start length owner" lines, owners named by file without ".vhd", "-" for none. */
  private static List<String> runs(Cli.Result result) {
    long next = 0;
    List<String> runs = new java.util.ArrayList<>();
    for (String line : result.outLines()) {
      Map<String, Object> run = TestingJson.object(TestingJson.parse(line));
      long start = (Long) run.get("start");
      assertThat(start).as("runs cover the disk in order").isEqualTo(next);
      next = start + (Long) run.get("length");
      String path = (String) run.get("path");
      String owner = path == null ? "-" : path.substring(path.lastIndexOf('/') + 1).replace(".vhd", "");
      runs.add(start + " " + run.get("length") + " " + owner);
    }
    assertThat(next).isEqualTo((8L << 20) / 512);
    return runs;
  }
}
