package org.vhdspark.spark;

import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSession;

/** The last write's report per session, for jobs and tests that want to see what a write did. */
public final class VhdWrites {
  private static final Map<SparkSession, VhdWriteReport> LAST = new WeakHashMap<>();

  private VhdWrites() {}

  /** The report of the last {@code df.write.format("vhd")} that completed in {@code session}. */
  public static synchronized Optional<VhdWriteReport> lastReport(SparkSession session) {
    return Optional.ofNullable(LAST.get(session));
  }

  static synchronized void record(SparkSession session, VhdWriteReport report) {
    LAST.put(session, report);
  }
}
