package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vhdspark.io.ReadWriteFile;

/**
 * Simulates a crash: the first {@code allowed} writes and syncs pass through; the next one writes
 * only a whole-sector prefix of its data (a torn write) and fails, and so does everything after.
 */
public final class FailingFile implements ReadWriteFile {
  /** Thrown at the simulated crash. */
  public static final class CrashException extends IOException {
    CrashException(String message) {
      super(message);
    }
  }

  private final ReadWriteFile delegate;
  private final int allowed;
  private final int tornSectors;
  private int operations;

  public FailingFile(ReadWriteFile delegate, int allowed, int tornSectors) {
    this.delegate = delegate;
    this.allowed = allowed;
    this.tornSectors = tornSectors;
  }

  /** Writes and syncs that went through. */
  public int operations() {
    return operations;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    delegate.readFully(position, dst);
  }

  @Override
  public void write(long position, ByteBuffer src) throws IOException {
    if (operations >= allowed) {
      int torn = Math.min(src.remaining() / 512, tornSectors) * 512;
      if (operations == allowed && torn > 0) {
        delegate.write(position, src.slice(src.position(), torn));
      }
      operations++;
      throw new CrashException("simulated crash at write " + operations);
    }
    operations++;
    delegate.write(position, src);
  }

  @Override
  public void sync() throws IOException {
    if (operations >= allowed) {
      operations++;
      throw new CrashException("simulated crash at sync " + operations);
    }
    operations++;
    delegate.sync();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
