package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vhdspark.io.WriteSink;

/** Writes runs of zeros through one shared, read-only buffer. */
final class Zeros {
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private Zeros() {}

  /** Writes {@code length} zero bytes at {@code position}; nothing when {@code length <= 0}. */
  static void write(WriteSink sink, long position, long length) throws IOException {
    for (long done = 0; done < length; ) {
      int n = (int) Math.min(ZEROS.capacity(), length - done);
      sink.write(position + done, ZEROS.duplicate().limit(n));
      done += n;
    }
  }
}
