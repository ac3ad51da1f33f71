package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vhdspark.spark.VhdReadOptions.Output;
import org.vhdspark.spark.VhdReadOptions.SessionDefaults;
import org.vhdspark.spark.VhdReadOptions.View;

/** Parsing and validation of every option, without Spark. */
class TestVhdReadOptions {
  private static final SessionDefaults DEFAULTS = new SessionDefaults(64L << 20, 1L << 20, true);

  private static VhdReadOptions parse(String... keysAndValues) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      options.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return VhdReadOptions.parse(options, DEFAULTS);
  }

  @Test
  void defaults() {
    VhdReadOptions options = parse("path", "/x.vhd");
    assertThat(options.paths()).containsExactly("/x.vhd");
    assertThat(options.output()).isEqualTo(Output.SECTORS);
    assertThat(options.view()).isEqualTo(View.RESOLVED);
    assertThat(options.includeUnallocated()).isFalse();
    assertThat(options.sectorsPerRow()).isEqualTo(1);
    assertThat(options.layerColumns()).isFalse();
    assertThat(options.maxPartitionBytes()).isEqualTo(64L << 20);
    assertThat(options.openCostInBytes()).isEqualTo(1L << 20);
    assertThat(options.verifyChecksums()).isTrue();
    assertThat(options.verifyParentUuid()).isTrue();
    assertThat(options.sizeFromChs()).isFalse();
    assertThat(options.parentPaths()).isEmpty();
    assertThat(options.parents()).isEmpty();
    assertThat(options.ignoreCorruptFiles()).isTrue();
    assertThat(options.pathGlobFilter()).isNull();
    assertThat(options.recursiveFileLookup()).isFalse();
    assertThat(options.hadoopOptions()).isEmpty();
  }

  @Test
  void everyOptionIsReadCaseInsensitively() {
    VhdReadOptions options = parse("PATHS", "[\"/a.vhd\",\"/b \\\"q\\\".vhd\"]", "Output", "Allocation", "VIEW", "delta",
        "includeunallocated", "TRUE", "sectorsPerRow", "64", "LAYERCOLUMNS", "true", "maxPartitionBytes", "3m", "verifyChecksums", "false",
        "verifyParentUuid", "false", "sizeFromChs", "true", "parentPaths", "/bases, hdfs://nn/bases",
        "parents", "/c.vhd=/p.vhd, /d.vhd = /q.vhd", "ignoreCorruptFiles", "false", "pathGlobFilter", "*.vhd",
        "recursiveFileLookup", "true");
    assertThat(options.paths()).containsExactly("/a.vhd", "/b \"q\".vhd");
    assertThat(options.output()).isEqualTo(Output.ALLOCATION);
    assertThat(options.view()).isEqualTo(View.DELTA);
    assertThat(options.includeUnallocated()).isTrue();
    assertThat(options.sectorsPerRow()).isEqualTo(64);
    assertThat(options.layerColumns()).isTrue();
    assertThat(options.maxPartitionBytes()).isEqualTo(3L << 20);
    assertThat(options.verifyChecksums()).isFalse();
    assertThat(options.verifyParentUuid()).isFalse();
    assertThat(options.sizeFromChs()).isTrue();
    assertThat(options.parentPaths()).containsExactly("/bases", "hdfs://nn/bases");
    assertThat(options.parents()).containsOnly(Map.entry("/c.vhd", "/p.vhd"), Map.entry("/d.vhd", "/q.vhd"));
    assertThat(options.ignoreCorruptFiles()).isFalse();
    assertThat(options.pathGlobFilter()).isEqualTo("*.vhd");
    assertThat(options.recursiveFileLookup()).isTrue();
  }

  @Test
  void jsonFormsHoldAnyPath() {
    VhdReadOptions options = parse("path", "/x", "parents", "{\"/vms/date=1/a,b.vhd\": \"/bases/p=q.vhd\"}",
        "parentPaths", "[\"/with,comma\"]");
    assertThat(options.parents()).containsOnly(Map.entry("/vms/date=1/a,b.vhd", "/bases/p=q.vhd"));
    assertThat(options.parentPaths()).containsExactly("/with,comma");
  }

  @Test
  void keysWithADotAreHadoopSettings() {
    VhdReadOptions options = parse("path", "/x", "fs.s3a.endpoint", "http://127.0.0.1:9000", "dfs.client.use.datanode.hostname", "true");
    assertThat(options.hadoopOptions()).containsOnly(Map.entry("fs.s3a.endpoint", "http://127.0.0.1:9000"),
        Map.entry("dfs.client.use.datanode.hostname", "true"));
  }

  @Test
  void sizesTakeSparksUnits() {
    assertThat(OptionText.parseBytes("134217728")).isEqualTo(128L << 20);
    assertThat(OptionText.parseBytes("128MB")).isEqualTo(128L << 20);
    assertThat(OptionText.parseBytes("128m")).isEqualTo(128L << 20);
    assertThat(OptionText.parseBytes(" 1g ")).isEqualTo(1L << 30);
    assertThat(OptionText.parseBytes("4k")).isEqualTo(4096);
    assertThat(OptionText.parseBytes("2tb")).isEqualTo(2L << 40);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "output|rows|'output': expected one of sectors, catalog, allocation, found 'rows'",
      "view|sideways|'view': expected one of resolved, delta, found 'sideways'",
      "includeUnallocated|yes|'includeUnallocated': expected true or false, found 'yes'",
      "layerColumns|1|'layerColumns': expected true or false, found '1'",
      "verifyChecksums|0|'verifyChecksums': expected true or false",
      "verifyParentUuid|maybe|'verifyParentUuid': expected true or false",
      "sizeFromChs|on|'sizeFromChs': expected true or false",
      "ignoreCorruptFiles|no|'ignoreCorruptFiles': expected true or false",
      "recursiveFileLookup|1|'recursiveFileLookup': expected true or false",
      "sectorsPerRow|3|'sectorsPerRow': expected a power of two",
      "sectorsPerRow|0|'sectorsPerRow': expected a power of two",
      "sectorsPerRow|1048576|'sectorsPerRow': expected a power of two",
      "sectorsPerRow|eight|'sectorsPerRow': expected an integer",
      "maxPartitionBytes|lots|'maxPartitionBytes': expected a size in bytes",
      "maxPartitionBytes|0|'maxPartitionBytes': expected a positive size",
      "parents|/child.vhd|'parents': expected comma-separated child=parent pairs",
      "parents|/a=/b=/c|'parents': expected comma-separated child=parent pairs",
      "parents|{\"/a\": 3}|'parents': expected a JSON object",
      "parentPaths|[\"/a\"|'parentPaths': expected a JSON array",
      "pathGlobFilter|[a-|'pathGlobFilter': not a valid glob",
      "paths|[/a]|'paths': expected a JSON array",
      "veiw|delta|unknown option 'veiw'; the options are output, view, includeUnallocated",
  })
  void badValuesAreErrorsNamingTheOption(String option, String value, String message) {
    assertThatThrownBy(() -> parse("path", "/x", option, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void theDocumentedOptionsAreTheOnesParsed() {
    assertThat(VhdReadOptions.NAMES).containsExactly("output", "view", "includeUnallocated", "sectorsPerRow",
        "layerColumns", "maxPartitionBytes", "verifyChecksums", "verifyParentUuid", "sizeFromChs", "parentPaths", "parents",
        "ignoreCorruptFiles", "pathGlobFilter", "recursiveFileLookup");
    List<String> documented = new java.util.ArrayList<>();
    for (String option : VhdReadOptions.NAMES) {
      documented.add(option);
    }
    assertThat(documented).doesNotHaveDuplicates();
  }
}
