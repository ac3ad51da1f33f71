package org.vhdspark.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.spark.TaskContext;

/**
 * Local files under the scheme {@code faulty:}, where opening a file or listing a folder whose name
 * starts with {@code ioerror} fails as a broken disk would: I/O errors without touching the machine.
 * A read or a write takes it with {@code .option(FaultyFileSystem.IMPL, FaultyFileSystem.class.getName())}.
 *
 * <p>Writes fail as a test arranges: the stream of a fragment of the chosen partition breaks after
 * some bytes on the chosen task attempts, as a disk or an executor would fail mid-write. With
 * {@link #leaveStray} the failing attempt also leaves a file with the job's prefix that its own abort
 * does not know of, as an executor that is lost mid-write does; renames can fail too. Settings are
 * static: tests run in one JVM, tasks too.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
  static final String IMPL = "fs.faulty.impl";
  static final String MESSAGE = "simulated I/O error";
  static final String WRITE_FAILURE = "simulated failure writing a fragment";
  private static final URI ROOT = URI.create("faulty:///");

  /** The partition whose fragments fail, or -1 for none. */
  static volatile int failingPartition = -1;
  /** Attempts below this number fail; Integer.MAX_VALUE: every attempt. */
  static volatile int failingAttempts = 1;
  static volatile boolean leaveStray;
  /** Whether renames fail (the copy join publishes by rename on this file system). */
  static volatile boolean failRenames;

  /** Fragments that were made to fail, and stray files left, since the last reset. */
  static final java.util.concurrent.atomic.AtomicInteger FAILED = new java.util.concurrent.atomic.AtomicInteger();
  static final java.util.concurrent.atomic.AtomicInteger STRAYS = new java.util.concurrent.atomic.AtomicInteger();

  static void reset() {
    FAILED.set(0);
    STRAYS.set(0);
    failingPartition = -1;
    failingAttempts = 1;
    leaveStray = false;
    failRenames = false;
  }

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

  @Override
  public FSDataOutputStream create(Path file, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    FSDataOutputStream out = super.create(file, overwrite, bufferSize, replication, blockSize, progress);
    TaskContext task = TaskContext.get();
    boolean failing = task != null && file.getName().endsWith(".fragment") && task.partitionId() == failingPartition
        && task.attemptNumber() < failingAttempts;
    if (!failing) {
      return out;
    }
    FAILED.incrementAndGet();
    if (leaveStray) {
      Files.write(java.nio.file.Path.of(pathToFile(file).getPath() + ".stray"), new byte[512]);
      STRAYS.incrementAndGet();
    }
    return new FSDataOutputStream(new BreakingStream(out, 4096), null);
  }

  @Override
  public FSDataOutputStream create(Path file, FsPermission permission, boolean overwrite, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    return create(file, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public boolean rename(Path source, Path target) throws IOException {
    if (failRenames) {
      throw new IOException(source + ": simulated failure renaming into place");
    }
    return super.rename(source, target);
  }

  /** Passes bytes on until {@code limit}, then fails. */
  private static final class BreakingStream extends OutputStream {
    private final OutputStream out;
    private long left;

    BreakingStream(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        throw new IOException(WRITE_FAILURE);
      }
      left -= len;
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
