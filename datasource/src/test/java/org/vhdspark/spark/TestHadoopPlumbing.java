package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.Location;

/** Locations, reads, stores and configuration on Hadoop, without Spark. */
class TestHadoopPlumbing {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"file:/work/images/disk.vhd", "file:/a b/c%d:e #1.vhd", "hdfs://nn:8020/vms/a/disk.vhd",
      "hdfs://nn/x y.vhd", "s3a://bucket/vms/key with spaces.vhd", "s3a://bucket/disk.vhd"})
  void locationsAndHadoopPathsRoundTrip(String text) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(text);
    Location location = HadoopLocations.toLocation(path);
    assertThat(HadoopLocations.toPath(location)).isEqualTo(path);
    assertThat(HadoopLocations.toLocation(HadoopLocations.toPath(location))).isEqualTo(location);
    assertThat(HadoopLocations.display(location)).isEqualTo(path.toString());
  }

  @Test
  void locationsKeepTheirRootAndDecodedPath() {
    assertThat(HadoopLocations.toLocation(new org.apache.hadoop.fs.Path("file:/a b/c.vhd"))).isEqualTo(new Location("", "/a b/c.vhd"));
    assertThat(HadoopLocations.toLocation(new org.apache.hadoop.fs.Path("hdfs://nn:8020/x/y.vhd")))
        .isEqualTo(Location.parse("hdfs://nn:8020/x/y.vhd"));
    assertThat(HadoopLocations.toLocation(new org.apache.hadoop.fs.Path("s3a://bucket/k/y.vhd")))
        .isEqualTo(new Location("s3a://bucket", "/k/y.vhd"));
    Location parent = HadoopLocations.toLocation(new org.apache.hadoop.fs.Path("hdfs://nn:8020/vms/a/disk.vhd")).folder().resolve("../base.vhd");
    assertThat(HadoopLocations.toPath(parent).toString()).isEqualTo("hdfs://nn:8020/vms/base.vhd");
    assertThat(HadoopLocations.toPath(Location.of(Path.of("/tmp/x.vhd"))).toString()).isEqualTo("file:/tmp/x.vhd");
  }

  @Test
  void readSourceReadsHeapAndDirectBuffersAndCountsBytes() throws IOException {
    byte[] data = new byte[200_000];
    new java.util.Random(1).nextBytes(data);
    Path file = Files.write(dir.resolve("data bin"), data);
    HadoopImageStore store = new HadoopImageStore(new Configuration());
    try (HadoopReadSource source = (HadoopReadSource) store.open(Location.of(file))) {
      assertThat(source.size()).isEqualTo(data.length);
      assertThat(source.name()).isEqualTo(Images.hadoopPath(file));
      ByteBuffer heap = ByteBuffer.allocate(1000);
      source.readFully(5, heap.position(10));
      assertThat(heap.position()).isEqualTo(1000);
      assertThat(java.util.Arrays.copyOfRange(heap.array(), 10, 1000)).isEqualTo(java.util.Arrays.copyOfRange(data, 5, 995));
      ByteBuffer direct = ByteBuffer.allocateDirect(150_000);
      source.readFully(40_000, direct);
      byte[] copied = new byte[150_000];
      direct.flip().get(copied);
      assertThat(copied).isEqualTo(java.util.Arrays.copyOfRange(data, 40_000, 190_000));
      assertThat(source.bytesRead()).isEqualTo(990 + 150_000);
      assertThatThrownBy(() -> source.readFully(199_999, ByteBuffer.allocate(2)))
          .isInstanceOf(EOFException.class).hasMessageContaining("data bin").hasMessageContaining("199,999");
    }
  }

  @Test
  void storeAnswersExistenceAndResolvesLinksOfLocalFiles() throws IOException {
    Path file = Files.write(dir.resolve("a.vhd"), new byte[10]);
    Path link = Files.createSymbolicLink(dir.resolve("link.vhd"), file);
    HadoopImageStore store = new HadoopImageStore(new Configuration());
    assertThat(store.exists(Location.of(file))).isTrue();
    assertThat(store.exists(Location.of(dir.resolve("missing.vhd")))).isFalse();
    assertThat(store.exists(Location.of(dir))).isFalse();
    assertThat(store.canonical(Location.of(link))).isEqualTo(Location.of(file.toRealPath()));
    Location remote = Location.parse("hdfs://nn:8020/a/b.vhd");
    assertThat(store.canonical(remote)).isEqualTo(remote);
    assertThatThrownBy(() -> store.open(Location.of(dir))).hasMessageContaining("directory");
  }

  @Test
  void chainsOpenThroughTheStore() throws IOException {
    Path base = Images.dynamic(dir.resolve("base.vhd"), 1 << 20, 4096);
    Path child = Images.child(base, dir.resolve("child.vhd"));
    Images.write(child, 1000, new byte[] {1, 2, 3});
    try (VhdChain chain = VhdChain.open(new HadoopImageStore(new Configuration()), Location.of(child), VhdOptions.defaults())) {
      assertThat(chain.depth()).isEqualTo(2);
      assertThat(chain.layers().get(1).location()).isEqualTo(Location.of(base));
    }
  }

  /** blktap records the parent's modification time: accepted silently by both stores, as the CLI does. */
  @Test
  void parentTimestampsAreJudgedAsTheLocalStoreJudgesThem() throws IOException {
    org.vhdspark.testing.ImageBuilder base = org.vhdspark.testing.ImageBuilder.dynamic(1 << 20);
    Path basePath = base.writeTo(dir.resolve("base.vhd"));
    java.time.Instant modified = java.time.Instant.parse("2024-03-01T12:00:00Z");
    Files.setLastModifiedTime(basePath, java.nio.file.attribute.FileTime.from(modified));
    Path child = org.vhdspark.testing.ImageBuilder.differencing(1 << 20, base.uniqueId(), "base.vhd")
        .parentTimestamp(org.vhdspark.format.VhdFormat.instantToTimestamp(modified)).writeTo(dir.resolve("child.vhd"));

    HadoopImageStore store = new HadoopImageStore(new Configuration());
    assertThat(store.modificationTime(Location.of(basePath))).isEqualTo(modified.getEpochSecond());
    try (VhdChain hadoop = VhdChain.open(store, Location.of(child), VhdOptions.defaults());
        VhdChain local = VhdChain.open(org.vhdspark.io.LocalImageStore.INSTANCE, Location.of(child), VhdOptions.defaults())) {
      assertThat(local.findings()).isEmpty();
      assertThat(hadoop.findings()).isEqualTo(local.findings());
    }
  }

  @Test
  void configurationSurvivesJavaSerialization() throws IOException, ClassNotFoundException {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    conf.set("vhd.test.key", "value with spaces");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new SerializableConfiguration(conf));
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Configuration copy = ((SerializableConfiguration) in.readObject()).get();
      assertThat(copy.get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
      assertThat(copy.get("vhd.test.key")).isEqualTo("value with spaces");
    }
  }

  @Test
  void blockHostsWeighHostsByBytesAndIgnoreLocalhost() throws IOException {
    BlockLocation[] blocks = {
        new BlockLocation(null, new String[] {"h1", "h2"}, 0, 100),
        new BlockLocation(null, new String[] {"h2", "h3"}, 100, 100),
        new BlockLocation(null, new String[] {"h4", "localhost"}, 200, 100),
    };
    Map<String, Long> tally = new HashMap<>();
    BlockHosts hosts = BlockHosts.of(blocks);
    hosts.add(50, 100, tally);
    hosts.add(250, 10, tally);
    assertThat(tally).containsOnly(Map.entry("h1", 50L), Map.entry("h2", 100L), Map.entry("h3", 50L), Map.entry("h4", 10L));
    assertThat(BlockHosts.top(tally, 3)).containsExactly("h2", "h1", "h3");
    assertThat(BlockHosts.of(new BlockLocation[] {new BlockLocation(null, new String[] {"localhost"}, 0, 10)})).isNull();
  }

  @Test
  void localFilesReportNoLocality() throws IOException {
    Path file = Files.write(dir.resolve("a.vhd"), new byte[4096]);
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
    FileSystem fs = path.getFileSystem(new Configuration());
    assertThat(BlockHosts.of(fs, fs.getFileStatus(path))).isNull();
  }
}
