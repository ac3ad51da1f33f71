package org.vhdspark.spark;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.vhdspark.io.ReadSource;
import org.vhdspark.io.ReadSources;

/**
 * A file on any Hadoop {@link FileSystem} read through {@link FSDataInputStream} positional reads,
 * which are safe for concurrent use. Counts the bytes it reads, for the scan's metrics.
 */
public final class HadoopReadSource implements ReadSource {
  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  private final String name;
  private final FSDataInputStream in;
  private final long size;
  private final boolean byteBufferReads;
  private final LongAdder bytesRead = new LongAdder();
  private byte[] copyBuffer;

  private HadoopReadSource(String name, FSDataInputStream in, long size) {
    this.name = name;
    this.in = in;
    this.size = size;
    this.byteBufferReads = in.hasCapability(StreamCapabilities.PREADBYTEBUFFER);
  }

  /** Opens {@code status}'s file for random reads (the size comes from the status). */
  public static HadoopReadSource open(FileSystem fs, FileStatus status) throws IOException {
    FSDataInputStream in;
    try {
      in = fs.openFile(status.getPath())
          .withFileStatus(status)
          .opt("fs.option.openfile.read.policy", "random")
          .opt("fs.s3a.experimental.input.fadvise", "random")
          .build()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(status.getPath() + ": interrupted while opening");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(status.getPath() + ": cannot open: " + e.getCause(), e.getCause());
    }
    return new HadoopReadSource(status.getPath().toString(), in, status.getLen());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  /** Bytes read so far through this source. */
  public long bytesRead() {
    return bytesRead.sum();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    int length = dst.remaining();
    ReadSources.checkRange(this, position, length);
    try {
      if (dst.hasArray()) {
        in.readFully(position, dst.array(), dst.arrayOffset() + dst.position(), length);
        dst.position(dst.position() + length);
      } else if (byteBufferReads) {
        in.readFully(position, dst);
      } else {
        copyThroughArray(position, dst);
      }
    } catch (EOFException e) {
      throw new EOFException(String.format("%s: unexpected end of file reading %,d bytes at offset %,d (%s)",
          name, length, position, e.getMessage()));
    } catch (IOException e) {
      throw new IOException(String.format("%s: read of %,d bytes at offset %,d failed: %s", name, length, position, e), e);
    }
    bytesRead.add(length);
  }

  private synchronized void copyThroughArray(long position, ByteBuffer dst) throws IOException {
    if (copyBuffer == null) {
      copyBuffer = new byte[COPY_BUFFER_BYTES];
    }
    long at = position;
    while (dst.hasRemaining()) {
      int n = Math.min(dst.remaining(), copyBuffer.length);
      in.readFully(at, copyBuffer, 0, n);
      dst.put(copyBuffer, 0, n);
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
