package org.vhdspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional reads from one file: the only way vhd-core reads bytes. Implementations exist for local
 * files ({@link FileReadSource}) and, in the datasource module, any Hadoop FileSystem. Must be safe
 * for concurrent positional reads.
 */
public interface ReadSource extends Closeable {
  /** The file's name as shown in messages (a path or URI). */
  String name();

  /** File size in bytes, fixed for the life of the source. */
  long size() throws IOException;

  /**
   * Reads exactly {@code dst.remaining()} bytes starting at {@code position} into {@code dst}, or
   * throws {@link java.io.EOFException} naming the file when the range passes the end of the file.
   */
  void readFully(long position, ByteBuffer dst) throws IOException;
}
