package org.vhdspark.spark;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Spark session (local[2,2]: two cores, two attempts per task; UI off) for every test class of the module, made and stopped by
 * spark-testing-base's {@link JavaDataFrameSuiteBase}, held by composition (its base classes are
 * JUnit 4). Stopped once, when the whole test run ends.
 */
final class SharedSpark implements BeforeAllCallback {
  private static final Object LOCK = new Object();
  private static Suite suite;

  /** spark-testing-base's base, without Hive, with the session settings of these tests. */
  static final class Suite extends JavaDataFrameSuiteBase {
    @Override
    public boolean enableHiveSupport() {
      return false;
    }

    @Override
    public SparkConf conf() {
      return super.conf()
          // Two cores; a failed task gets a second attempt, as on clusters (where it gets four).
          .setMaster("local[2,2]")
          .set("spark.ui.enabled", "false")
          .set("spark.sql.shuffle.partitions", "2");
    }
  }

  /** Stops the session when JUnit closes the root context, after the last test class. */
  private static final class Stopper implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      synchronized (LOCK) {
        JavaDataFrameSuiteBase.runAfterClass();
        suite = null;
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    suite();
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Stopper.class, key -> new Stopper(), Stopper.class);
  }

  static Suite suite() {
    synchronized (LOCK) {
      if (suite == null) {
        Suite started = new Suite();
        started.runBefore();
        suite = started;
      }
      return suite;
    }
  }

  static SparkSession spark() {
    return suite().spark();
  }

  /** spark-testing-base's ordered comparison: same schema, same rows in the same order. */
  static void assertDataFrameEquals(Dataset<Row> expected, Dataset<Row> actual) {
    Suite base = suite();
    base.assertDataFrameEquals(expected, actual, base.assertDataFrameEquals$default$3());
  }

  /**
   * {@code actual} holds exactly {@code expected}, in order. The expected rows take the actual
   * schema (whose metadata columns carry Spark's column metadata); check names and types apart.
   */
  static void assertRows(java.util.List<Row> expected, Dataset<Row> actual) {
    assertDataFrameEquals(spark().createDataFrame(expected, actual.schema()), actual);
  }
}
