package org.vhdspark.cli;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;

/**
 * Standard output, as a stream or a channel, whose write failures are told apart from failures to
 * read an image: a reader that went away (`vhd map x | head`) ends the command quietly.
 */
final class StandardOutput {
  /** Writing the output failed; {@link #isBrokenPipe()} when its reader has gone. */
  static final class WriteFailure extends IOException {
    WriteFailure(IOException cause) {
      super(cause.getMessage(), cause);
    }

    boolean isBrokenPipe() {
      return getMessage() != null && getMessage().contains("Broken pipe");
    }
  }

  private final OutputStream out;

  StandardOutput(OutputStream out) {
    this.out = out;
  }

  OutputStream stream() {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        try {
          out.write(b);
        } catch (IOException e) {
          throw new WriteFailure(e);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw new WriteFailure(e);
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          out.flush();
        } catch (IOException e) {
          throw new WriteFailure(e);
        }
      }
    };
  }

  /** A channel for bytes: the file's own channel when standard output is one, as the real one is. */
  WritableByteChannel channel() {
    WritableByteChannel channel = out instanceof FileOutputStream file ? file.getChannel() : Channels.newChannel(out);
    return new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        try {
          return channel.write(src);
        } catch (IOException e) {
          throw new WriteFailure(e);
        }
      }

      @Override
      public boolean isOpen() {
        return channel.isOpen();
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
