package org.vhdspark.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Positional writes to one file. Crash safety rests on {@link #sync()}: everything written before a
 * sync is durable before anything written after it.
 */
public interface WriteSink extends Closeable {
  /** The file's name as shown in messages. */
  String name();

  /** Writes all of {@code src} at {@code position}. */
  void write(long position, ByteBuffer src) throws IOException;

  /** Makes everything written so far durable. */
  void sync() throws IOException;
}
