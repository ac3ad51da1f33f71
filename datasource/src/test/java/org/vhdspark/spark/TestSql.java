package org.vhdspark.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vhdspark.testing.Fixtures;

/**
 * SQL over the vhd source: tables of the session catalog (read through {@link VhdRelation}),
 * temporary views, and what Spark 3.5 refuses. Every table and view is dropped after each test, and
 * the session defaults it sets are unset, since all test classes share one session.
 */
@ExtendWith(SharedSpark.class)
class TestSql {
  private static final String VIEW_DEFAULT = SessionSettings.OPTION_PREFIX + VhdReadOptions.VIEW;
  private static final String OUTPUT_DEFAULT = SessionSettings.OPTION_PREFIX + VhdReadOptions.OUTPUT;

  /** A copy of the blktap chain: the tables point at it, so that no table can touch the fixtures. */
  @TempDir
  static Path chain;

  private static String level3;
  private final List<String> tables = new ArrayList<>();
  private final List<String> views = new ArrayList<>();

  @BeforeAll
  static void copyTheChain() throws IOException {
    try (Stream<Path> files = Files.list(Fixtures.blktapDir())) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".vhd"))::iterator) {
        Files.copy(file, chain.resolve(file.getFileName()));
      }
    }
    level3 = chain.resolve("level3.vhd").toString();
  }

  @AfterEach
  void dropWhatTheTestMade() {
    tables.forEach(table -> sql("DROP TABLE IF EXISTS " + table));
    views.forEach(view -> sql("DROP VIEW IF EXISTS " + view));
    spark().conf().unset(VIEW_DEFAULT);
    spark().conf().unset(OUTPUT_DEFAULT);
  }

  private static SparkSession spark() {
    return SharedSpark.spark();
  }

  private static Dataset<Row> sql(String statement) {
    return spark().sql(statement);
  }

  private static DataFrameReader vhd() {
    return spark().read().format("vhd");
  }

  /** {@code CREATE TABLE name USING vhd OPTIONS (path '<level3>', extra...)}. */
  private void createTable(String name, String extraOptions) {
    tables.add(name);
    sql("CREATE TABLE " + name + " USING vhd OPTIONS (path '" + level3 + "'" + extraOptions + ")");
  }

  private void createView(String name, String extraOptions) {
    views.add(name);
    sql("CREATE TEMPORARY VIEW " + name + " USING vhd OPTIONS (path '" + level3 + "'" + extraOptions + ")");
  }

  private static long count(String relation) {
    return sql("SELECT count(*) FROM " + relation).first().getLong(0);
  }

  @Test
  void aTableReadsWhatTheDataFrameReads() {
    createTable("sectors", "");
    assertThat(count("sectors")).isPositive().isEqualTo(vhd().load(level3).count());
    SharedSpark.assertDataFrameEquals(vhd().load(level3).orderBy("sector"), sql("SELECT * FROM sectors ORDER BY sector"));
  }

  @ParameterizedTest
  @CsvSource({"catalog, path", "allocation, sector"})
  void tablesOfTheOtherOutputs(String output, String order) {
    createTable(output, ", output '" + output + "'");
    SharedSpark.assertDataFrameEquals(vhd().option("output", output).load(level3).orderBy(order),
        sql("SELECT * FROM " + output + " ORDER BY " + order));
  }

  @Test
  void aTableIsExternalWithoutAStoredSchemaAndDroppingItKeepsTheImages() throws Exception {
    createTable("kept", "");
    CatalogTable stored = spark().sessionState().catalog().getTableMetadata(new TableIdentifier("kept"));
    assertThat(stored.tableType()).isEqualTo(CatalogTableType.EXTERNAL());
    // Spark 3.5 stores no schema for a DSv2 provider's table: it is the relation's, at each resolution.
    assertThat(stored.schema().isEmpty()).isTrue();
    sql("DROP TABLE kept");
    assertThat(Path.of(level3)).exists();
    assertThat(spark().conf().get("spark.sql.warehouse.dir")).as("spark-testing-base's temporary warehouse")
        .doesNotContain(Path.of("").toAbsolutePath().toString());
  }

  @Test
  void aDeclaredSchemaMustBeTheSources() {
    tables.add("declared");
    sql("CREATE TABLE declared (path STRING, block BIGINT, sector BIGINT, bytes BINARY) USING vhd OPTIONS (path '"
        + level3 + "')");
    assertThat(count("declared")).isEqualTo(vhd().load(level3).count());
    tables.add("narrow");
    sql("CREATE TABLE narrow (sector BIGINT) USING vhd OPTIONS (path '" + level3 + "')");
    assertThat(sql("SELECT * FROM narrow").columns()).containsExactly("sector");
    assertThat(count("narrow")).isEqualTo(vhd().load(level3).count());
    tables.add("alien");
    sql("CREATE TABLE alien (sector BIGINT, colour STRING) USING vhd OPTIONS (path '" + level3 + "')");
    assertThatThrownBy(() -> count("alien")).rootCause().hasMessageContaining("declared column 'colour' is not a column");
    tables.add("mistyped");
    sql("CREATE TABLE mistyped (sector INT) USING vhd OPTIONS (path '" + level3 + "')");
    assertThatThrownBy(() -> count("mistyped")).rootCause()
        .hasMessageContaining("declared column 'sector' is INT, the source's is BIGINT");
  }

  /**
   * {@code CREATE TABLE ... USING vhd AS SELECT} writes the table's image from the query, with the
   * table's write options; {@code INSERT OVERWRITE} replaces it; {@code INSERT INTO} an existing
   * image is refused, as a DataFrame append is.
   */
  @Test
  void createTableAsSelectAndInsertOverwriteWriteTheImage(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    views.add("sectors");
    sql("CREATE TEMPORARY VIEW sectors AS SELECT CAST(id * 8 AS BIGINT) AS sector, unhex(repeat(lpad(hex(id), 2, '0'), 4096)) "
        + "AS bytes FROM range(1, 41)");
    Path image = dir.resolve("made.vhd");
    tables.add("made");
    sql("CREATE TABLE made USING vhd OPTIONS (size '1m', blockSize '64k') LOCATION '" + image + "' AS SELECT * FROM sectors");
    assertThat(count("made")).isEqualTo(40 * 8);
    assertThat(sql("SELECT * FROM made").columns()).containsExactly("sector", "bytes");
    assertThat(sql("SELECT bytes FROM made WHERE sector = 80").first().<byte[]>getAs(0)).containsOnly(10);
    try (var disk = Images.resolved(image, org.vhdspark.image.VhdOptions.defaults())) {
      assertThat(disk.chain().image().blockSize()).isEqualTo(64 * 1024);
    }

    sql("INSERT OVERWRITE TABLE made SELECT * FROM sectors WHERE sector < 80");
    assertThat(count("made")).isEqualTo(9 * 8);
    assertThatThrownBy(() -> sql("INSERT INTO made SELECT * FROM sectors"))
        .hasMessageContaining("save mode append is not supported on an existing image");
    assertThat(count("made")).isEqualTo(9 * 8);
  }

  @Test
  void sessionDefaultsApplyAtEachQueryWhileTheSchemaStaysTheRelations() {
    createTable("chain", "");
    long resolved = count("chain");
    sql("SET " + VIEW_DEFAULT + "=delta");
    assertThat(count("chain")).isEqualTo(vhd().load(level3).count()).isLessThan(resolved);
    spark().conf().set(OUTPUT_DEFAULT, "allocation");
    assertThat(sql("SELECT * FROM chain").columns()).containsExactly("path", "block", "sector", "bytes");
    sql("REFRESH TABLE chain");
    assertThat(sql("SELECT * FROM chain").columns())
        .containsExactly("path", "block", "sector", "sector_count", "layer", "layer_path");
  }

  @Test
  void aTemporaryViewTakesTheSessionDefaultsWhenMade() {
    spark().conf().set(VIEW_DEFAULT, "delta");
    createView("delta", "");
    long delta = vhd().load(level3).count();
    spark().conf().unset(VIEW_DEFAULT);
    assertThat(count("delta")).isEqualTo(delta).isLessThan(vhd().load(level3).count());
    SharedSpark.assertDataFrameEquals(vhd().option("view", "delta").load(level3).orderBy("sector"),
        sql("SELECT * FROM delta ORDER BY sector"));
  }

  @Test
  void aTableReportsTheSizeOfItsRead() {
    createTable("sized", ", output 'catalog'");
    long frame = vhd().option("output", "catalog").load(level3).queryExecution().optimizedPlan().stats().sizeInBytes().longValue();
    assertThat(sql("SELECT * FROM sized").queryExecution().optimizedPlan().stats().sizeInBytes().longValue())
        .isEqualTo(frame).isLessThan(1 << 20);
  }

  @Test
  void aSectorFilterOnATableReadsWhatTheDataFramesReads() throws Exception {
    createTable("filtered", "");
    Dataset<Row> one = sql("SELECT path, sector, bytes FROM filtered WHERE sector = 1000");
    Dataset<Row> frame = vhd().load(level3).where("sector = 1000").select("path", "sector", "bytes");
    SharedSpark.assertDataFrameEquals(frame, one);
    assertThat(one.queryExecution().executedPlan().toString()).contains("PushedFilters: [EqualTo(sector,1000)]");
    Map<String, Long> filtered = ScanMetrics.taskTotals(one);
    assertThat(filtered).isEqualTo(ScanMetrics.taskTotals(frame));
    assertThat(filtered.get(VhdMetrics.BLOCKS_READ)).isEqualTo(1);
    assertThat(filtered.get(VhdMetrics.DATA_BYTES_READ)).as("one sector's bytes").isEqualTo(512);
    Map<String, Long> whole = ScanMetrics.taskTotals(sql("SELECT path, sector, bytes FROM filtered"));
    assertThat(whole.get(VhdMetrics.DATA_BYTES_READ)).isEqualTo(512 * vhd().load(level3).count());
  }

  @ParameterizedTest
  @CsvSource({"sectors, false", "sectors, true", "allocation, false", "catalog, false"})
  void everyColumnHasAComment(String output, boolean layerColumns) {
    String table = output + "_" + layerColumns;
    createTable(table, ", output '" + output + "', layerColumns '" + layerColumns + "'");
    Dataset<Row> read = vhd().option("output", output).option("layerColumns", layerColumns).load(level3);
    List<Row> described = sql("DESCRIBE " + table).collectAsList();
    assertThat(described).extracting(row -> row.getString(0)).containsExactly(read.columns());
    assertThat(described).allSatisfy(row -> assertThat(row.getString(2)).isNotBlank());
    for (Dataset<Row> relation : List.of(read, spark().table(table))) {
      assertThat(relation.schema().fields()).allSatisfy(field -> assertThat(field.getComment().isDefined())
          .as("comment of %s", field.name()).isTrue());
    }
  }

  @Test
  void layerColumnsThroughAViewOrATableAreTheMetadataColumns() {
    String options = ", sectorsPerRow '8'";
    createView("layers", options + ", layerColumns 'true'");
    createTable("layered", options + ", layerColumns 'true'");
    List<Row> metadata = vhd().option("sectorsPerRow", "8").load(level3)
        .select("sector", "_layer", "_layer_path").orderBy("sector").collectAsList();
    assertThat(metadata).extracting(row -> row.getInt(1)).contains(0, 1);
    for (String relation : List.of("layers", "layered")) {
      assertThat(spark().table(relation).schema().fields()).extracting(StructField::name)
          .containsExactly("path", "block", "sector", "bytes", "_layer", "_layer_path");
      SharedSpark.assertRows(metadata, sql("SELECT sector, _layer, _layer_path FROM " + relation + " ORDER BY sector"));
    }
  }

  @Test
  void badOptionsFailWithTheOptionNamed() {
    createTable("typo", ", veiw 'delta'");
    // Spark's relation cache wraps the table's error; the view's comes as it is, when the view is made.
    assertThatThrownBy(() -> count("typo")).rootCause()
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'veiw'");
    assertThatThrownBy(() -> createView("yes", ", layerColumns 'yes'"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vhd option 'layerColumns': expected true or false, found 'yes'");
  }

  @Test
  void spark35RefusesQueriesOnAPath() {
    assertThatThrownBy(() -> sql("SELECT * FROM vhd.`" + level3 + "`"))
        .isInstanceOf(AnalysisException.class).hasMessageContaining("UNSUPPORTED_DATASOURCE_FOR_DIRECT_QUERY");
  }
}
