package org.vhdspark.spark;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.vhdspark.io.LocalFile;

/** Moves a finished file into place with one rename: never over an existing file unless asked to. */
final class ImagePublisher {
  private ImagePublisher() {}

  static void publish(FileSystem fs, Path finished, Path target, boolean replace) throws IOException {
    if ("file".equals(fs.getScheme())) {
      java.nio.file.Path from = java.nio.file.Path.of(finished.toUri());
      java.nio.file.Path to = java.nio.file.Path.of(target.toUri());
      if (replace) {
        LocalFile.replace(from, to);
      } else {
        LocalFile.publish(from, to);
      }
      return;
    }
    if (fs instanceof DistributedFileSystem dfs) {
      try {
        dfs.rename(finished, target, replace ? Options.Rename.OVERWRITE : Options.Rename.NONE);
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(target.toString());
      }
      return;
    }
    // Other stores: no rename that refuses or replaces atomically; documented in docs/datasource.md (Writing images).
    if (fs.exists(target)) {
      if (!replace) {
        throw new FileAlreadyExistsException(target.toString());
      }
      fs.delete(target, false);
    }
    if (!fs.rename(finished, target)) {
      throw new IOException(target + ": could not rename " + finished + " into place");
    }
  }
}
