package org.vhdspark.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Checks shared by {@link ReadSource} implementations. */
public final class ReadSources {
  private ReadSources() {}

  /** Refuses a read that would pass the end of the file, naming the file and the range. */
  public static void checkRange(ReadSource source, long position, long length) throws IOException {
    long size = source.size();
    if (position < 0 || length < 0 || position > size - length) {
      throw new EOFException(String.format("%s: read of %,d bytes at offset %,d passes the end of the file (%,d bytes)",
          source.name(), length, position, size));
    }
  }

  /** Fills {@code dst} from {@code channel} at {@code position}, looping over short reads. */
  static void readFully(FileChannel channel, String name, long position, ByteBuffer dst) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, at);
      if (n < 0) {
        throw new EOFException(name + ": unexpected end of file at offset " + at);
      }
      at += n;
    }
  }
}
