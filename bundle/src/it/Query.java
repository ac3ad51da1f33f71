import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a user's Spark job does with the bundle jar. Not compiled with the project: BundleJarIT runs it
 * with the source launcher on Spark's jars plus the bundle jar, so it sees only what a user would.
 * Prints "rows N", "sha256 HEX" (the resolved disk in sector order) and "sql_count N".
 * Usage: java -cp SPARK_JARS/*:BUNDLE_JAR Query.java IMAGE
 */
public class Query {
  public static void main(String[] args) throws Exception {
    String image = args[0];
    SparkSession spark = SparkSession.builder()
        .master("local[2]")
        .appName("vhd-bundle-it")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    try {
      spark.sparkContext().setLogLevel("WARN");
      List<Row> sectors = spark.read().format("vhd")
          .option("includeUnallocated", "true")
          .load(image)
          .sort("sector")
          .select("bytes")
          .collectAsList();
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      for (Row row : sectors) {
        sha256.update((byte[]) row.get(0));
      }
      System.out.println("rows " + sectors.size());
      System.out.println("sha256 " + HexFormat.of().formatHex(sha256.digest()));

      spark.sql("CREATE TEMPORARY VIEW v USING vhd OPTIONS (path '" + image + "')");
      System.out.println("sql_count " + spark.sql("SELECT count(*) FROM v").first().getLong(0));
    } finally {
      spark.stop();
    }
  }
}
