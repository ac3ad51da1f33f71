package org.vhdspark.spark;

import org.apache.spark.sql.AnalysisException;
import scala.collection.immutable.Map;

/** Spark's own analysis errors, raised where Spark's file sources raise them. */
final class AnalysisErrors {
  private AnalysisErrors() {}

  /** {@code [PATH_NOT_FOUND] Path does not exist: <path>.}, for a missing path or a glob that matches nothing. */
  static RuntimeException pathNotFound(String path) {
    throw unchecked(new AnalysisException("PATH_NOT_FOUND", new Map.Map1<>("path", path)));
  }

  /** {@code [PATH_ALREADY_EXISTS] Path <path> already exists. Set mode as "overwrite" ...}, for a write's existing target. */
  static RuntimeException pathAlreadyExists(String path) {
    throw unchecked(new AnalysisException("PATH_ALREADY_EXISTS", new Map.Map1<>("outputPath", path)));
  }

  /**
   * Throws {@code e} although Java counts it as checked: Spark's interfaces declare no exceptions,
   * and Spark's (Scala) sources throw AnalysisException through them all the same.
   */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException unchecked(Throwable e) throws T {
    throw (T) e;
  }
}
