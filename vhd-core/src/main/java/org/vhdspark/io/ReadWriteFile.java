package org.vhdspark.io;

import java.io.IOException;

/** A file that is both read and written, such as an image being updated. {@link #size()} follows writes. */
public interface ReadWriteFile extends ReadSource, WriteSink {
  /**
   * Cuts the file to {@code size} bytes, which must not exceed its size. Not durable before the next
   * {@link #sync()}.
   */
  void truncate(long size) throws IOException;
}
