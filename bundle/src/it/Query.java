import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a user's Spark job does with the bundle jar. Not compiled with the project: BundleJarIT runs it
 * with the source launcher on Spark's jars plus the bundle jar, so it sees only what a user would.
 * Prints "rows N", "sha256 HEX" (the resolved disk in sector order), "sql_count N", and after writing
 * the chain flat into FOLDER/flat.vhd with df.write.format("vhd"), "written_sha256 HEX" of that image.
 * Usage: java -cp SPARK_JARS/*:BUNDLE_JAR Query.java IMAGE FOLDER
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
      List<Row> sectors = resolved(spark, image);
      System.out.println("rows " + sectors.size());
      System.out.println("sha256 " + sha256(sectors));

      spark.sql("CREATE TEMPORARY VIEW v USING vhd OPTIONS (path '" + image + "')");
      System.out.println("sql_count " + spark.sql("SELECT count(*) FROM v").first().getLong(0));

      String flat = java.nio.file.Path.of(args[1], "flat.vhd").toString();
      spark.read().format("vhd").load(image).write().format("vhd")
          .option("size", Long.toString(sectors.size() * 512L)).save(flat);
      System.out.println("written_sha256 " + sha256(resolved(spark, flat)));
    } finally {
      spark.stop();
    }
  }

  private static List<Row> resolved(SparkSession spark, String image) {
    return spark.read().format("vhd").option("includeUnallocated", "true").load(image).sort("sector").select("bytes")
        .collectAsList();
  }

  private static String sha256(List<Row> sectors) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    for (Row row : sectors) {
      sha256.update((byte[]) row.get(0));
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}
