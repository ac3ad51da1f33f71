package org.vhdspark.spark;

import java.nio.ByteBuffer;
import org.apache.hadoop.fs.Path;

/**
 * One piece of a new image, in the order a join lays them end to end: bytes the driver made (the
 * head with the BAT, the footer) or a fragment file a task wrote.
 */
record ImagePiece(ByteBuffer bytes, Path file, long length) {
  static ImagePiece of(ByteBuffer bytes) {
    return new ImagePiece(bytes.duplicate(), null, bytes.remaining());
  }

  static ImagePiece of(Path file, long length) {
    return new ImagePiece(null, file, length);
  }

  boolean isFile() {
    return file != null;
  }
}
