package org.vhdspark.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The fallback join, for file systems without a join of their own (local files among them): the
 * driver copies the pieces into a hidden file beside the target, then publishes it. Local files are
 * copied by the kernel ({@code FileChannel.transferTo}); others through a stream.
 */
final class CopyJoin implements ImageJoin {
  private static final int BUFFER_BYTES = 1 << 20;

  private final FileSystem fs;

  CopyJoin(FileSystem fs) {
    this.fs = fs;
  }

  @Override
  public String description() {
    return "copy by the driver";
  }

  @Override
  public long minimumPieceBytes() {
    return 0;
  }

  @Override
  public long join(List<ImagePiece> pieces, Path target, boolean replace, String jobId) throws IOException {
    Path joined = WriteNames.driverFile(target, jobId, "tmp");
    try {
      long copied = isLocal() ? copyLocal(pieces, joined) : copyStreams(pieces, joined);
      ImagePublisher.publish(fs, joined, target, replace);
      for (ImagePiece piece : pieces) {
        if (piece.isFile()) {
          fs.delete(piece.file(), false);
        }
      }
      return copied;
    } finally {
      fs.delete(joined, false);
    }
  }

  private boolean isLocal() {
    return "file".equals(fs.getScheme());
  }

  private static long copyLocal(List<ImagePiece> pieces, Path joined) throws IOException {
    long copied = 0;
    try (FileChannel out = FileChannel.open(java.nio.file.Path.of(joined.toUri()), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (ImagePiece piece : pieces) {
        if (!piece.isFile()) {
          ByteBuffer bytes = piece.bytes().duplicate();
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
          continue;
        }
        try (FileChannel in = FileChannel.open(java.nio.file.Path.of(piece.file().toUri()), StandardOpenOption.READ)) {
          piece.checkLength(in.size());
          for (long done = 0; done < piece.length(); ) {
            long n = in.transferTo(done, piece.length() - done, out);
            if (n <= 0) {
              throw new IOException(piece.file() + ": the fragment ended at " + done + " of " + piece.length() + " bytes");
            }
            done += n;
          }
        }
        copied += piece.length();
      }
      out.force(true);
    }
    return copied;
  }

  private long copyStreams(List<ImagePiece> pieces, Path joined) throws IOException {
    long copied = 0;
    byte[] buffer = new byte[BUFFER_BYTES];
    try (FSDataOutputStream out = fs.create(joined, false)) {
      for (ImagePiece piece : pieces) {
        if (!piece.isFile()) {
          out.write(piece.byteArray());
          continue;
        }
        piece.checkLength(fs.getFileStatus(piece.file()).getLen());
        try (FSDataInputStream in = fs.open(piece.file())) {
          copy(in, out, piece.length(), buffer, piece.file());
        }
        copied += piece.length();
      }
      out.hsync();
    }
    return copied;
  }

  private static void copy(InputStream in, OutputStream out, long length, byte[] buffer, Path file) throws IOException {
    for (long done = 0; done < length; ) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - done));
      if (n < 0) {
        throw new IOException(file + ": the fragment ended at " + done + " of " + length + " bytes");
      }
      out.write(buffer, 0, n);
      done += n;
    }
  }
}
