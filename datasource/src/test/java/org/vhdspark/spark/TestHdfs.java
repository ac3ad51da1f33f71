package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.format.Bat;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.testing.Fixtures;

/**
 * The blktap chain on a MiniDFSCluster (loopback only, started once for the class): the same bytes
 * as from local files, parents found on HDFS, and preferred locations from the datanodes that hold
 * each partition's data.
 */
@ExtendWith(SharedSpark.class)
class TestHdfs {
  private static final List<String> LEVELS = List.of("level3", "grandchild", "child", "base");
  /**
   * Datanode names other than "localhost" (which gives no locality by design). Loopback IP literals,
   * so that no name is ever looked up in DNS: the tests talk to nothing but this machine.
   */
  private static final String[] HOSTS = {"127.0.0.2", "127.0.0.3"};
  private static final int HDFS_BLOCK = 1 << 20;

  private static MiniDFSCluster cluster;
  private static FileSystem fs;
  /** Qualified hdfs:// folder holding the chain. */
  private static String dir;

  @BeforeAll
  static void startCluster() throws IOException {
    Configuration conf = new Configuration();
    conf.setLong("dfs.blocksize", HDFS_BLOCK);
    conf.setInt("dfs.replication", 1);
    File base = Path.of("target", "hdfs-" + UUID.randomUUID()).toAbsolutePath().toFile();
    cluster = new MiniDFSCluster.Builder(conf, base).numDataNodes(HOSTS.length).hosts(HOSTS).build();
    cluster.waitActive();
    fs = cluster.getFileSystem();
    org.apache.hadoop.fs.Path folder = fs.makeQualified(new org.apache.hadoop.fs.Path("/vms/web01"));
    fs.mkdirs(folder);
    for (String level : LEVELS) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Fixtures.blktap(level).toUri()), new org.apache.hadoop.fs.Path(folder, level + ".vhd"));
    }
    dir = folder.toString();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd");
  }

  private static String hdfs(String level) {
    return dir + "/" + level + ".vhd";
  }

  @Test
  void theClusterIsOnLoopbackWithNamedDatanodes() throws IOException {
    assertThat(dir).startsWith("hdfs://");
    assertThat(cluster.getNameNode().getNameNodeAddress().getAddress().isLoopbackAddress()).isTrue();
    DatanodeInfo[] nodes = cluster.getFileSystem().getClient().datanodeReport(HdfsConstants.DatanodeReportType.LIVE);
    assertThat(Arrays.stream(nodes).map(DatanodeInfo::getHostName)).containsExactlyInAnyOrder(HOSTS);
    assertThat(Arrays.stream(nodes).map(DatanodeInfo::getIpAddr)).allSatisfy(ip -> assertThat(ip).isEqualTo("127.0.0.1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "child", "grandchild", "level3"})
  void everyLevelReassemblesToItsResolvedDisk(String level) throws IOException {
    Dataset<Row> rows = vhd().option("includeUnallocated", "true").load(hdfs(level));
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(rows, 1)).isEqualTo(Fixtures.blktapSha256(level));
  }

  /**
   * A child of the chain written by Spark on HDFS: tasks write fragments beside the target, the
   * driver joins them by concat. It resolves to the chain with the rows applied; the driver's own
   * HDFS traffic (the test thread's, where Spark commits) is metadata only, and no fragment is left.
   */
  @Test
  void aChildWrittenOnHdfsIsJoinedByConcatWithoutTheDriverCopyingData() throws IOException {
    byte[] expected;
    try (VirtualDisk disk = Images.resolved(Fixtures.blktap("level3"), VhdOptions.defaults())) {
      expected = Images.contents(disk);
    }
    List<Row> rows = TestWrite.randomRows(11, expected.length / 512, expected);
    String child = written() + "/wednesday.vhd";
    FileSystem.Statistics driver = FileSystem.getStatistics("hdfs", org.apache.hadoop.hdfs.DistributedFileSystem.class);
    long readBefore = driver.getThreadStatistics().getBytesRead();
    long writtenBefore = driver.getThreadStatistics().getBytesWritten();

    TestWrite.withTasks(4, () -> TestWrite.frame(rows).write().format("vhd").option("parent", hdfs("level3")).save(child));

    long driverRead = driver.getThreadStatistics().getBytesRead() - readBefore;
    long driverWritten = driver.getThreadStatistics().getBytesWritten() - writtenBefore;
    VhdWriteReport report = VhdWrites.lastReport(SharedSpark.spark()).orElseThrow();
    assertThat(report.join()).isEqualTo("HDFS concat");
    assertThat(report.bytesCopiedByDriver()).isZero();
    assertThat(report.fragments()).isGreaterThan(1);
    long image = fs.getFileStatus(new org.apache.hadoop.fs.Path(child)).getLen();
    assertThat(image).isEqualTo(report.imageBytes()).isGreaterThan(4L << 20);
    // Footers of the parent, the head (BAT, locators) and the footer: a few KiB, not the image's MiBs.
    assertThat(driverRead).isLessThan(64 * 1024);
    assertThat(driverWritten).isLessThan(64 * 1024);

    // The parent is in another folder: reads allow it, as the location policy asks.
    Dataset<Row> resolved = vhd().option("includeUnallocated", "true").option("parentPaths", dir).load(child);
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(resolved, 1)).isEqualTo(Images.sha256(expected));
    long given = rows.stream().mapToLong(row -> ((byte[]) row.get(1)).length / 512).sum();
    assertThat(vhd().option("view", "delta").load(child).count()).isEqualTo(given);
    assertThat(vhd().option("output", "catalog").option("parentPaths", dir).load(child).select("parent_path").first().getString(0))
        .isEqualTo(hdfs("level3"));
    assertThat(hiddenFiles()).isEmpty();
  }

  @Test
  void aChainWrittenFlatAsAFixedImageOnHdfsEqualsItsResolvedDisk() throws IOException {
    String flat = written() + "/flat-fixed.vhd";
    long size;
    try (VirtualDisk disk = Images.resolved(Fixtures.blktap("level3"), VhdOptions.defaults())) {
      size = disk.size();
    }
    vhd().load(hdfs("level3")).write().format("vhd").option("type", "fixed").option("size", Long.toString(size)).save(flat);
    assertThat(VhdWrites.lastReport(SharedSpark.spark()).orElseThrow().bytesCopiedByDriver()).isZero();
    assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path(flat)).getLen()).isEqualTo(size + 512);
    Dataset<Row> rows = vhd().option("includeUnallocated", "true").load(flat);
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(rows, 1)).isEqualTo(Fixtures.blktapSha256("level3"));
    assertThat(hiddenFiles()).isEmpty();
  }

  /** Where the write tests write: beside the chain's folder, so children name their parent as "../web01/...". */
  private static String written() {
    return dir.replace("/vms/web01", "/vms/written");
  }

  /** Files of write jobs left where they wrote: none, ever. */
  private static List<String> hiddenFiles() throws IOException {
    return Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(written()))).map(status -> status.getPath().getName())
        .filter(name -> name.startsWith(".")).toList();
  }

  @Test
  void parentsAreResolvedOnHdfs() throws IOException {
    List<String> chain = LEVELS.stream().map(TestHdfs::hdfs).toList();
    Dataset<Row> rows = vhd().load(hdfs("level3")).select("path", "_layer", "_layer_path");
    Map<Integer, String> layers = new HashMap<>();
    for (Row row : rows.collectAsList()) {
      assertThat(row.getString(0)).isEqualTo(hdfs("level3"));
      layers.put(row.getInt(1), row.getString(2));
    }
    // vhd-core on the local files says which layers own sectors.
    Set<Integer> owners = new HashSet<>();
    try (VirtualDisk disk = Images.resolved(Fixtures.blktap("level3"), VhdOptions.defaults())) {
      for (Images.Run run : Images.runs(disk)) {
        if (run.layer() >= 0) {
          owners.add(run.layer());
        }
      }
    }
    assertThat(layers.keySet()).isEqualTo(owners);
    assertThat(owners).hasSizeGreaterThan(1);
    layers.forEach((layer, path) -> assertThat(path).isEqualTo(chain.get(layer)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"child", "level3"})
  void deltaViewIsTheImagesOwnSectors(String level) throws IOException {
    List<String> expected = new ArrayList<>();
    try (VirtualDisk disk = Images.delta(Fixtures.blktap(level), VhdOptions.defaults())) {
      byte[] contents = Images.contents(disk);
      for (Images.Run run : Images.runs(disk)) {
        for (long s = run.start(); s < run.start() + run.length() && run.layer() == 0; s++) {
          expected.add(TestFixtureScans.Rows.describe(hdfs(level), run.block(), s,
              Arrays.copyOfRange(contents, (int) s * 512, (int) s * 512 + 512), 0, hdfs(level)));
        }
      }
    }
    assertThat(expected).isNotEmpty();
    List<String> actual = vhd().option("view", "delta").load(hdfs(level))
        .select("path", "block", "sector", "bytes", "_layer", "_layer_path")
        .collectAsList().stream().map(TestFixtureScans.Rows::describe).toList();
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void catalogOverAGlobShowsTheChainsOnHdfs() {
    List<Row> rows = vhd().option("output", "catalog").load(dir + "/*.vhd")
        .select("path", "type", "chain_depth", "parent_path", "chain").orderBy("chain_depth").collectAsList();
    assertThat(rows).hasSize(4);
    List<String> byDepth = List.of("base", "child", "grandchild", "level3");
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      String level = byDepth.get(i);
      assertThat(row.getString(0)).isEqualTo(hdfs(level));
      assertThat(row.getString(1)).isEqualTo(i == 0 ? "dynamic" : "differencing");
      assertThat(row.getInt(2)).isEqualTo(i + 1);
      assertThat(row.getString(3)).isEqualTo(i == 0 ? null : hdfs(byDepth.get(i - 1)));
      assertThat(row.<String>getList(4)).isEqualTo(LEVELS.subList(LEVELS.size() - 1 - i, LEVELS.size()).stream().map(TestHdfs::hdfs).toList());
    }
  }

  /**
   * One VHD block per partition: each partition prefers the datanode(s) holding most of the bytes of
   * its block's bitmap and data in the image's own file, as the cluster reports its block locations.
   */
  @ParameterizedTest
  @ValueSource(strings = {"base", "level3"})
  void partitionsPreferTheDatanodesHoldingTheirData(String level) throws IOException {
    Dataset<Row> rows = vhd().option("maxPartitionBytes", "1").load(hdfs(level));
    List<VhdInputPartition> partitions = ScanMetrics.partitions(rows.select("sector"));
    assertThat(partitions).isNotEmpty();

    FileStatus status = fs.getFileStatus(new org.apache.hadoop.fs.Path(hdfs(level)));
    BlockLocation[] locations = fs.getFileBlockLocations(status, 0, status.getLen());
    assertThat(locations).hasSizeGreaterThan(1);
    Set<String> reported = new HashSet<>();
    for (BlockLocation location : locations) {
      reported.addAll(Arrays.asList(location.getHosts()));
    }
    assertThat(reported).isSubsetOf(HOSTS);

    int withHosts = 0;
    try (VhdChain chain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(Fixtures.blktap(level)), VhdOptions.defaults())) {
      VhdImage image = chain.image();
      Bat bat = image.bat().orElseThrow();
      long span = VhdFormat.bitmapBytes(image.blockSize()) + (long) image.blockSize();
      for (VhdInputPartition partition : partitions) {
        ImageSlice slice = partition.slices().get(0);
        assertThat(partition.slices()).hasSize(1);
        assertThat(slice.blockRanges()).hasSize(2);
        int block = (int) slice.blockRanges()[0];
        assertThat(slice.blockRanges()[1]).isEqualTo(block + 1);
        Map<String, Long> bytesByHost = new HashMap<>();
        if (bat.isAllocated(block)) {
          long start = bat.bitmapOffset(block);
          for (BlockLocation location : locations) {
            long overlap = Math.min(start + span, location.getOffset() + location.getLength()) - Math.max(start, location.getOffset());
            if (overlap > 0) {
              for (String host : location.getHosts()) {
                bytesByHost.merge(host, overlap, Long::sum);
              }
            }
          }
        }
        List<String> expected = bytesByHost.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .map(Map.Entry::getKey).toList();
        assertThat(partition.preferredLocations()).as("partition of block %d", block).containsExactlyElementsOf(expected);
        withHosts += expected.isEmpty() ? 0 : 1;
      }
    }
    assertThat(withHosts).as("partitions with preferred locations").isPositive();
    // The scan still reads everything from the datanodes on loopback.
    assertThat(rows.count()).isEqualTo(vhd().load(Fixtures.blktap(level).toString()).count());
  }
}
