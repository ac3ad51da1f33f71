package org.vhdspark.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.vhdspark.io.WriteSink;

/**
 * A {@link WriteSink} on a Hadoop output stream, which only appends: every write must start where
 * the last one ended, as the fragment and chunk writers write. Works on every file system,
 * HDFS and S3 included.
 */
final class HadoopStreamSink implements WriteSink {
  private static final int COPY_BYTES = 64 * 1024;

  private final FSDataOutputStream out;
  private final String name;
  private byte[] copy;
  private long length;

  HadoopStreamSink(FSDataOutputStream out, String name) {
    this.out = out;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void write(long position, ByteBuffer src) throws IOException {
    if (position != length) {
      throw new IOException(name + ": a write at " + position + " on a stream at " + length + " (streams only append)");
    }
    int n = src.remaining();
    if (src.hasArray()) {
      out.write(src.array(), src.arrayOffset() + src.position(), n);
      src.position(src.limit());
    } else {
      if (copy == null) {
        copy = new byte[COPY_BYTES];
      }
      while (src.hasRemaining()) {
        int chunk = Math.min(copy.length, src.remaining());
        src.get(copy, 0, chunk);
        out.write(copy, 0, chunk);
      }
    }
    length += n;
  }

  long length() {
    return length;
  }

  @Override
  public void sync() throws IOException {
    out.hsync();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
