package org.vhdspark.spark;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files under the scheme {@code faulty:}, where opening a file or listing a folder whose name
 * starts with {@code ioerror} fails as a broken disk would: I/O errors without touching the machine.
 * A read takes it with {@code .option(FaultyFileSystem.IMPL, FaultyFileSystem.class.getName())}.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
  static final String IMPL = "fs.faulty.impl";
  static final String MESSAGE = "simulated I/O error";
  private static final URI ROOT = URI.create("faulty:///");

  /** The {@code faulty:} path of a local file. */
  static String path(java.nio.file.Path file) {
    return "faulty:" + file.toAbsolutePath();
  }

  @Override
  public URI getUri() {
    return ROOT;
  }

  @Override
  public String getScheme() {
    return ROOT.getScheme();
  }

  @Override
  public FSDataInputStream open(Path file, int bufferSize) throws IOException {
    failIfFaulty(file);
    return super.open(file, bufferSize);
  }

  @Override
  public FileStatus[] listStatus(Path folder) throws IOException {
    failIfFaulty(folder);
    return super.listStatus(folder);
  }

  private static void failIfFaulty(Path path) throws IOException {
    if (path.getName().startsWith("ioerror")) {
      throw new IOException(path + ": " + MESSAGE);
    }
  }
}
