package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.testing.Fixtures;

/** The catalog (a row per image) and the allocation map (a row per run): right, and metadata only. */
@ExtendWith(SharedSpark.class)
class TestCatalogAndAllocation {
  private static final List<String> LEVELS = List.of("base", "child", "grandchild", "level3");

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd");
  }

  @Test
  void catalogDescribesEveryImageOfTheChainFolder() throws IOException {
    List<Row> expected = new ArrayList<>();
    for (String level : LEVELS) {
      Path image = Fixtures.blktap(level);
      try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
        VhdChain chain = disk.chain();
        VhdImage top = chain.image();
        long[] owned = new long[disk.layerCount()];
        for (Images.Run run : Images.runs(disk)) {
          if (run.layer() != BlockRuns.ZEROS) {
            owned[run.layer()] += run.length() * 512L;
          }
        }
        List<String> paths = chain.layers().stream().map(l -> Images.hadoopPath(l.location().toPath())).toList();
        expected.add(RowFactory.create(Images.hadoopPath(image), top.type().label(), top.virtualSize(), top.blockSize(),
            top.allocatedBlockCount(), top.footer().uniqueId().toString(),
            top.isDifferencing() ? top.header().orElseThrow().parentUniqueId().toString() : null,
            paths.size() > 1 ? paths.get(1) : null, null, chain.depth(), paths,
            Arrays.stream(owned).boxed().toList(), top.footer().creatorApplicationName()));
      }
    }
    Dataset<Row> catalog = vhd().option("output", "catalog").option("pathGlobFilter", "*.vhd")
        .load(Fixtures.blktapDir().toString())
        .select("path", "type", "virtual_size", "block_size", "allocated_blocks", "unique_id", "parent_unique_id",
            "parent_path", "parent_error", "chain_depth", "chain", "allocated_bytes", "creator_app")
        .orderBy("path");
    expected.sort((a, b) -> a.getString(0).compareTo(b.getString(0)));
    SharedSpark.assertRows(expected, catalog);
    assertThat(catalog.schema().fieldNames()).contains("chain_depth");
  }

  @Test
  void catalogReadsNoSectorData() {
    Dataset<Row> catalog = vhd().option("output", "catalog").load(Fixtures.blktap("level3").toString());
    Map<String, Long> metrics = ScanMetrics.afterCollect(catalog);
    assertThat(metrics).containsEntry(VhdMetrics.DATA_BYTES_READ, 0L);
    assertThat(metrics.get(VhdMetrics.IMAGE_BYTES_READ)).isPositive();
    assertThat(metrics.get(VhdMetrics.ANCESTOR_BYTES_READ)).isPositive();
    Row row = catalog.collectAsList().get(0);
    assertThat(row.<Long>getAs("virtual_size")).isEqualTo(8L << 20);
    assertThat(row.<String>getAs("creator_host")).isNotNull();
    assertThat(row.<java.sql.Timestamp>getAs("timestamp")).isNotNull();
    assertThat(row.<Object>getAs("warnings")).isNotNull();
  }

  @Test
  void catalogListsTheLayersFoundWhenAGrandparentIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path base = Images.dynamic(dir.resolve("base.vhd"), 4 << 20, 2 << 20);
    java.nio.file.Path middle = Images.child(base, dir.resolve("middle.vhd"));
    java.nio.file.Path top = Images.child(middle, dir.resolve("top.vhd"));
    java.nio.file.Files.delete(base);

    Row row = vhd().option("output", "catalog").load(top.toString()).collectAsList().get(0);
    assertThat(row.<Integer>getAs("chain_depth")).isEqualTo(2);
    assertThat(row.<String>getAs("parent_path")).endsWith("/middle.vhd");
    assertThat(row.<String>getAs("parent_error")).contains("middle.vhd").contains("not found");
    assertThat(row.getList(row.fieldIndex("chain"))).hasSize(2);
  }

  @Test
  void catalogReportsAMissingParentInsteadOfFailing() {
    Row resolved = vhd().option("output", "catalog").load(Fixtures.dfvfs("fat-differential.vhd").toString()).collectAsList().get(0);
    assertThat(resolved.<String>getAs("type")).isEqualTo("differencing");
    assertThat(resolved.<String>getAs("parent_unique_id")).isEqualTo("5fa21a55-f394-aa4d-9958-1951a67d5540");
    assertThat(resolved.<String>getAs("parent_path")).isNull();
    assertThat(resolved.<String>getAs("parent_error")).contains("not found").contains("fat-parent.vhd");
    assertThat(resolved.<Integer>getAs("chain_depth")).isEqualTo(1);
    assertThat(resolved.<String>getAs("creator_app")).isEqualTo("win");
    Row delta = vhd().option("output", "catalog").option("view", "delta").load(Fixtures.dfvfs("fat-differential.vhd").toString())
        .collectAsList().get(0);
    assertThat(delta.<String>getAs("parent_error")).isNull();
    assertThat(delta.<Integer>getAs("chain_depth")).isEqualTo(1);
  }

  @Test
  void allocationRowsAreTheRunsOfEveryBlock() throws IOException {
    Path image = Fixtures.blktap("level3");
    List<Row> held = new ArrayList<>();
    List<Row> all = new ArrayList<>();
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      List<String> paths = disk.chain().layers().stream().map(l -> Images.hadoopPath(l.location().toPath())).toList();
      for (Images.Run run : Images.runs(disk)) {
        boolean zeros = run.layer() == BlockRuns.ZEROS;
        Row row = RowFactory.create(Images.hadoopPath(image), run.block(), run.start(), (long) run.length(),
            zeros ? null : run.layer(), zeros ? null : paths.get(run.layer()));
        all.add(row);
        if (!zeros) {
          held.add(row);
        }
      }
    }
    Dataset<Row> map = vhd().option("output", "allocation").load(image.toString());
    assertThat(map.schema().fieldNames()).containsExactly("path", "block", "sector", "sector_count", "layer", "layer_path");
    SharedSpark.assertRows(held, map);
    Map<String, Long> metrics = ScanMetrics.afterCollect(map);
    assertThat(metrics).containsEntry(VhdMetrics.DATA_BYTES_READ, 0L);
    assertThat(metrics.get(VhdMetrics.SECTORS_EMITTED)).isEqualTo(held.stream().mapToLong(r -> r.getLong(3)).sum());
    SharedSpark.assertRows(all, vhd().option("output", "allocation").option("includeUnallocated", "true").load(image.toString()));
  }

  @Test
  void allocationOfTheDeltaViewIsTheImagesOwnRuns() throws IOException {
    Path image = Fixtures.dfvfs("fat-differential.vhd");
    List<Row> expected = new ArrayList<>();
    try (VirtualDisk disk = Images.delta(image, VhdOptions.defaults())) {
      for (Images.Run run : Images.runs(disk)) {
        if (run.layer() == 0) {
          expected.add(RowFactory.create(run.start(), (long) run.length(), 0));
        }
      }
    }
    Dataset<Row> map = vhd().option("output", "allocation").option("view", "delta").load(image.toString())
        .select("sector", "sector_count", "layer");
    SharedSpark.assertRows(expected, map);
  }

  @Test
  void allocationTakesFiltersOnRunStarts() throws IOException {
    Path image = Fixtures.blktap("level3");
    List<Row> expected = new ArrayList<>();
    try (VirtualDisk disk = Images.resolved(image, VhdOptions.defaults())) {
      for (Images.Run run : Images.runs(disk)) {
        if (run.layer() != BlockRuns.ZEROS && run.start() >= 9000 && run.block() <= 5) {
          expected.add(RowFactory.create(run.start(), (long) run.length()));
        }
      }
    }
    assertThat(expected).isNotEmpty();
    Dataset<Row> map = vhd().option("output", "allocation").load(image.toString())
        .where("sector >= 9000 AND block <= 5").select("sector", "sector_count");
    SharedSpark.assertRows(expected, map);
  }
}
