package org.vhdspark.spark;

import org.apache.hadoop.fs.Path;

/**
 * The names of a write job's files: hidden files beside the target, in its own folder, because
 * HDFS {@code concat} takes sources from the target's folder only. Every name starts with the
 * job's prefix, so the job can find and delete whatever it left, whoever wrote it.
 */
final class WriteNames {
  private WriteNames() {}

  /** What every file of job {@code jobId} writing {@code target} starts with. */
  static String prefix(Path target, String jobId) {
    return "." + target.getName() + ".vhdwrite-" + jobId + ".";
  }

  /**
   * The fragment of partition {@code partition} written by task attempt {@code taskId} (Spark's id,
   * unique in the application), or its fragment of chunk {@code chunk} if that is not negative.
   */
  static Path fragment(Path target, String jobId, int partition, long taskId, int chunk) {
    String what = chunk < 0 ? "part" + partition : "chunk" + chunk + ".part" + partition;
    return new Path(target.getParent(), prefix(target, jobId) + what + "-task" + taskId + ".fragment");
  }

  /** A file the driver writes: {@code what} is "head", "footer", "tmp", ... */
  static Path driverFile(Path target, String jobId, String what) {
    return new Path(target.getParent(), prefix(target, jobId) + what);
  }
}
