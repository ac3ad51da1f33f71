package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.testing.Fixtures;

/**
 * The blktap chain through s3a:// against s3proxy (an in-memory S3 endpoint started in this JVM on
 * 127.0.0.1, random port): the same bytes as from local files, parents found on s3a. The s3a
 * settings are this read's options, so nothing else in the session changes.
 */
@ExtendWith(SharedSpark.class)
class TestS3 {
  private static final List<String> LEVELS = List.of("level3", "grandchild", "child", "base");
  private static final String ACCESS_KEY = "vhd-test";
  private static final String SECRET_KEY = "vhd-test-secret";

  private static BlobStoreContext store;
  private static S3Proxy proxy;
  /** A fresh bucket per run (s3a file systems are cached by bucket). */
  private static String bucket;
  private static Map<String, String> s3a;

  @BeforeAll
  static void startEndpoint() throws Exception {
    store = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
    proxy = S3Proxy.builder()
        .blobStore(store.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!proxy.getState().equals("STARTED")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    bucket = "vhd-" + UUID.randomUUID().toString().substring(0, 8);
    BlobStore blobs = store.getBlobStore();
    blobs.createContainerInLocation(null, bucket);
    for (String level : LEVELS) {
      byte[] bytes = Files.readAllBytes(Fixtures.blktap(level));
      blobs.putBlob(bucket, blobs.blobBuilder("vms/web01/" + level + ".vhd").payload(bytes).contentLength(bytes.length).build());
    }
    s3a = new HashMap<>();
    s3a.put("fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
    s3a.put("fs.s3a.endpoint.region", "us-east-1");
    s3a.put("fs.s3a.path.style.access", "true");
    s3a.put("fs.s3a.connection.ssl.enabled", "false");
    s3a.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    s3a.put("fs.s3a.access.key", ACCESS_KEY);
    s3a.put("fs.s3a.secret.key", SECRET_KEY);
    s3a.put("fs.s3a.change.detection.mode", "none");
    s3a.put("fs.s3a.attempts.maximum", "2");
    s3a.put("fs.s3a.retry.limit", "2");
  }

  @AfterAll
  static void stopEndpoint() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  private static DataFrameReader vhd() {
    return SharedSpark.spark().read().format("vhd").options(s3a);
  }

  private static String s3(String level) {
    return "s3a://" + bucket + "/vms/web01/" + level + ".vhd";
  }

  @Test
  void theEndpointIsOnLoopback() {
    assertThat(s3a.get("fs.s3a.endpoint")).startsWith("http://127.0.0.1:");
    assertThat(proxy.getPort()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "level3"})
  void levelsReassembleToTheirResolvedDisk(String level) throws IOException {
    Dataset<Row> rows = vhd().option("includeUnallocated", "true").option("sectorsPerRow", "8").load(s3(level));
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(rows, 8)).isEqualTo(Fixtures.blktapSha256(level));
  }

  @Test
  void parentsAreResolvedOnS3() throws IOException {
    List<String> chain = LEVELS.stream().map(TestS3::s3).toList();
    Row catalog = vhd().option("output", "catalog").load(s3("level3"))
        .select("path", "chain_depth", "parent_path", "chain").collectAsList().get(0);
    assertThat(catalog.getString(0)).isEqualTo(s3("level3"));
    assertThat(catalog.getInt(1)).isEqualTo(4);
    assertThat(catalog.getString(2)).isEqualTo(s3("grandchild"));
    assertThat(catalog.<String>getList(3)).isEqualTo(chain);

    Map<Integer, String> layers = new HashMap<>();
    for (Row row : vhd().load(s3("level3")).select("_layer", "_layer_path").collectAsList()) {
      layers.put(row.getInt(0), row.getString(1));
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
    assertThat(layers.keySet()).isEqualTo(owners).hasSizeGreaterThan(1);
    layers.forEach((layer, path) -> assertThat(path).isEqualTo(chain.get(layer)));
  }

  @Test
  void s3ReportsNoLocality() {
    List<VhdInputPartition> partitions = ScanMetrics.partitions(vhd().load(s3("base")).select("sector"));
    assertThat(partitions).isNotEmpty().allSatisfy(p -> assertThat(p.preferredLocations()).isEmpty());
  }

  /**
   * A child written on S3: tasks upload fragments beside the target, the driver joins them as one
   * multipart upload whose parts S3 copies from the fragments (the head padded to a 5 MiB part, small
   * fragments too), so the driver's own S3A traffic (the test thread's) is metadata only.
   */
  @Test
  void aChildWrittenOnS3IsJoinedByPartCopy() throws IOException {
    byte[] expected;
    try (VirtualDisk disk = Images.resolved(Fixtures.blktap("level3"), VhdOptions.defaults())) {
      expected = Images.contents(disk);
    }
    List<Row> rows = TestWrite.randomRows(21, expected.length / 512, expected);
    String child = "s3a://" + bucket + "/vms/web01/wednesday.vhd";
    org.apache.hadoop.fs.FileSystem.Statistics driver =
        org.apache.hadoop.fs.FileSystem.getStatistics("s3a", org.apache.hadoop.fs.s3a.S3AFileSystem.class);
    long readBefore = driver.getThreadStatistics().getBytesRead();

    TestWrite.withTasks(3, () -> TestWrite.frame(rows).write().format("vhd").options(s3a).option("parent", s3("level3")).save(child));

    VhdWriteReport report = VhdWrites.lastReport(SharedSpark.spark()).orElseThrow();
    assertThat(report.join()).isEqualTo("S3 multipart upload with part copy");
    assertThat(report.bytesCopiedByDriver()).isZero();
    assertThat(report.fragments()).isEqualTo(3);
    // Each fragment is at least a 5 MiB part; the driver read only the parent chain's metadata (S3A
    // counts the read-ahead it drains on seeks, hence more than on HDFS), never a whole fragment.
    assertThat(report.imageBytes()).isGreaterThan(4 * S3PartCopyJoin.MIN_PART_BYTES);
    assertThat(driver.getThreadStatistics().getBytesRead() - readBefore).isLessThan(1 << 20);
    Dataset<Row> resolved = vhd().option("includeUnallocated", "true").load(child);
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(resolved, 1)).isEqualTo(Images.sha256(expected));
    long given = rows.stream().mapToLong(row -> ((byte[]) row.get(1)).length / 512).sum();
    assertThat(vhd().option("view", "delta").load(child).count()).isEqualTo(given);
    // Only the images are left in the bucket: no fragment, no pending upload.
    assertThat(store.getBlobStore().list(bucket, org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive()))
        .extracting(org.jclouds.blobstore.domain.StorageMetadata::getName)
        .allSatisfy(name -> assertThat(name).doesNotContain("/."));
  }

  @Test
  void aFixedImageWrittenOnS3EqualsTheChain() throws IOException {
    String flat = "s3a://" + bucket + "/flat/level3-fixed.vhd";
    long size;
    try (VirtualDisk disk = Images.resolved(Fixtures.blktap("level3"), VhdOptions.defaults())) {
      size = disk.size();
    }
    vhd().load(s3("level3")).write().format("vhd").options(s3a).option("type", "fixed").option("size", Long.toString(size))
        .save(flat);
    assertThat(VhdWrites.lastReport(SharedSpark.spark()).orElseThrow().bytesCopiedByDriver()).isZero();
    Dataset<Row> rows = vhd().option("includeUnallocated", "true").load(flat);
    assertThat(TestFixtureScans.Rows.sha256InSectorOrder(rows, 1)).isEqualTo(Fixtures.blktapSha256("level3"));
  }
}
