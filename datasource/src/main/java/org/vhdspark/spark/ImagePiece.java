package org.vhdspark.spark;

import java.io.IOException;
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

  /** A driver piece's bytes, as an array (streams and the S3 client take arrays). */
  byte[] byteArray() {
    byte[] array = new byte[bytes.remaining()];
    bytes.duplicate().get(array);
    return array;
  }

  /** Fails unless the fragment file has the length its task reported. */
  void checkLength(long actual) throws IOException {
    if (actual != length) {
      throw new IOException(file + ": the fragment has " + actual + " bytes, its task wrote " + length);
    }
  }
}
