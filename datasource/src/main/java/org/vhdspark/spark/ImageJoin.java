package org.vhdspark.spark;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How the driver joins a new image's pieces into the target, by the file system's own means where
 * it has them, and publishes it atomically: the target appears complete or not at all. Each join
 * deletes the fragments it consumed and the files it made; the write job sweeps whatever else its
 * tasks left.
 */
interface ImageJoin {
  /** What the join is, for messages and logs. */
  String description();

  /** The smallest piece the join can take, except the last (S3 parts: 5 MiB); 0 for no minimum. */
  long minimumPieceBytes();

  /**
   * Joins {@code pieces} into {@code target}, replacing an existing target only if {@code replace}.
   *
   * @param jobId names the join's own files beside the target
   * @return the bytes of fragments the driver copied (0 where the file system joins them itself)
   * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists and {@code replace} is false
   */
  long join(List<ImagePiece> pieces, Path target, boolean replace, String jobId) throws IOException;

  /** The join for {@code fs}: HDFS concat, S3 multipart part copy, or a copy elsewhere. */
  static ImageJoin forFileSystem(FileSystem fs) {
    // By class name, so that clusters without hadoop-aws never load the S3 join's classes.
    String type = fs.getClass().getName();
    if (type.equals("org.apache.hadoop.hdfs.DistributedFileSystem")) {
      return new HdfsConcatJoin((org.apache.hadoop.hdfs.DistributedFileSystem) fs);
    }
    if (type.equals("org.apache.hadoop.fs.s3a.S3AFileSystem")) {
      return S3PartCopyJoin.of(fs);
    }
    return new CopyJoin(fs);
  }
}
