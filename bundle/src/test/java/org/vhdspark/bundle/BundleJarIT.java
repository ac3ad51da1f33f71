package org.vhdspark.bundle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vhdspark.testing.Fixtures;

/**
 * The drop-in jar as a user gets it: what it holds, and a real query in a fresh JVM whose classpath is
 * Spark's own jars plus this one jar (what {@code spark-submit --jars} gives a job), nothing else of
 * the project. The paths come from failsafe (bundle/pom.xml).
 */
class BundleJarIT {
  private static final String SERVICES = "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister";
  /** Provided by every Spark runtime; a second copy would clash with it. */
  private static final List<String> RUNTIME_PREFIXES =
      List.of("org/apache/spark/", "scala/", "org/apache/hadoop/", "org/slf4j/");
  /** Spark's start-up and the source launcher's compile take seconds; this is only against hangs. */
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  /** level3's virtual disk: 8 MiB of 512-byte sectors, every one a row with includeUnallocated. */
  private static final long SECTORS = (8L << 20) / 512;

  private static final Path JAR = Path.of(property("vhd.bundleJar"));
  private static final Path SPARK_JARS = Path.of(property("vhd.sparkJars"));
  private static final Path QUERY = Path.of(property("vhd.query"));

  @Test
  void holdsTheDataSourceAndVhdCoreButNothingSparkProvides() throws IOException {
    List<String> entries;
    String services;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = jar.stream().map(JarEntry::getName).toList();
      assertThat(entries).contains("org/vhdspark/io/ImageStore.class", "org/vhdspark/spark/VhdDataSource.class", SERVICES);
      services = new String(jar.getInputStream(jar.getEntry(SERVICES)).readAllBytes(), UTF_8);
    }
    assertThat(services.lines()).contains("org.vhdspark.spark.VhdDataSource");
    assertThat(entries).as("entries of the Spark runtime (Spark, Scala, Hadoop, slf4j)")
        .filteredOn(entry -> RUNTIME_PREFIXES.stream().anyMatch(entry::startsWith))
        .isEmpty();
    assertThat(entries).as("third-party classes not relocated under org/vhdspark/shaded/ (see bundle/pom.xml)")
        .filteredOn(entry -> entry.endsWith(".class") && !entry.startsWith("org/vhdspark/"))
        .isEmpty();
  }

  @Test
  void sparkReadsAndWritesWithOnlyItsOwnJarsAndTheBundle(@TempDir Path workDir) throws Exception {
    Path image = Fixtures.blktap("level3");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(property("vhd.sparkJavaArgs").trim().split("\\s+")));
    command.addAll(List.of("-cp", SPARK_JARS.resolve("*") + File.pathSeparator + JAR, QUERY.toString(), image.toString(),
        workDir.toString()));
    Path out = workDir.resolve("stdout.txt");
    Path err = workDir.resolve("stderr.txt");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())  // spark-warehouse and the like stay out of the tree
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");  // loopback only
    Process child = builder.start();
    if (!child.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
      fail("the Spark job did not finish within %s; its stderr:%n%s", TIMEOUT, tail(err));
    }
    if (child.exitValue() != 0) {
      fail("the Spark job exited with %d: %s%nits stderr:%n%s", child.exitValue(), String.join(" ", command), tail(err));
    }

    Map<String, String> results = Files.readAllLines(out).stream()
        .map(line -> line.split(" ", 2))
        .filter(pair -> pair.length == 2)
        .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1], (first, second) -> second));
    assertThat(results).as("the job's results; its stderr:%n%s", tail(err))
        .containsEntry("rows", String.valueOf(SECTORS))
        .containsEntry("sha256", Fixtures.blktapSha256("level3"))
        .containsEntry("sql_count", String.valueOf(SECTORS))
        .containsEntry("written_sha256", Fixtures.blktapSha256("level3"));
  }


  /** The end of the child's stderr, where the cause is (Spark logs its start-up there first). */
  private static String tail(Path file) throws IOException {
    String text = new String(Files.readAllBytes(file), UTF_8);
    int limit = 20_000;
    return text.length() <= limit ? text : "[...]" + text.substring(text.length() - limit);
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException("system property " + name + " is not set: run this test through Maven (failsafe)");
    }
    return value;
  }
}
