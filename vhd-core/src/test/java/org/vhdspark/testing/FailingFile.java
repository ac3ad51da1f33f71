package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vhdspark.io.ReadWriteFile;

/**
 * Simulates a crash: the first {@code allowed} writes and syncs pass through; the next one writes
 * only a whole-sector prefix of its data (a torn write) and fails, and so does everything after.
 * What a crash does to writes that no sync made durable is up to the disk: with {@code lossSeed}, each
 * of them is undone or kept at random, in any combination, as a disk that reorders writes would.
 */
public final class FailingFile implements ReadWriteFile {
  /** Thrown at the simulated crash. */
  public static final class CrashException extends IOException {
    CrashException(String message) {
      super(message);
    }
  }

  /** A write since the last sync, with what it replaced (zeros where it extended the file). */
  private record Unsynced(long position, byte[] before) {
    long end() {
      return position + before.length;
    }
  }

  private final ReadWriteFile delegate;
  private final int allowed;
  private final int tornSectors;
  private final Random loss;
  private final List<Unsynced> unsynced = new ArrayList<>();
  private int operations;

  public FailingFile(ReadWriteFile delegate, int allowed, int tornSectors) {
    this(delegate, allowed, tornSectors, -1);
  }

  public FailingFile(ReadWriteFile delegate, int allowed, int tornSectors, long lossSeed) {
    this.delegate = delegate;
    this.allowed = allowed;
    this.tornSectors = tornSectors;
    this.loss = lossSeed < 0 ? null : new Random(lossSeed);
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
        remember(position, torn);
        delegate.write(position, src.slice(src.position(), torn));
      }
      crash("write");
    }
    operations++;
    remember(position, src.remaining());
    delegate.write(position, src);
  }

  @Override
  public void sync() throws IOException {
    if (operations >= allowed) {
      crash("sync");
    }
    operations++;
    unsynced.clear();
    delegate.sync();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  private void remember(long position, int length) throws IOException {
    if (loss == null) {
      return;
    }
    byte[] before = new byte[length];
    int existing = (int) Math.max(0, Math.min(length, delegate.size() - position));
    if (existing > 0) {
      delegate.readFully(position, ByteBuffer.wrap(before, 0, existing));
    }
    unsynced.add(new Unsynced(position, before));
  }

  /**
   * Drops a random subset of the unsynced writes, then fails. A dropped write's bytes go back to what
   * they were, except where a later write that was kept covers them.
   */
  private void crash(String what) throws IOException {
    operations++;
    if (loss != null) {
      List<Unsynced> kept = new ArrayList<>();
      for (int i = unsynced.size() - 1; i >= 0; i--) {
        Unsynced write = unsynced.get(i);
        if (!loss.nextBoolean()) {
          kept.add(write);
          continue;
        }
        restoreOutside(write, kept);
      }
    }
    throw new CrashException("simulated crash at " + what + " " + operations);
  }

  /** Writes back {@code write}'s old bytes wherever none of {@code kept} lies over them. */
  private void restoreOutside(Unsynced write, List<Unsynced> kept) throws IOException {
    long at = write.position();
    while (at < write.end()) {
      long next = write.end();
      boolean covered = false;
      for (Unsynced later : kept) {
        if (later.position() <= at && at < later.end()) {
          covered = true;
          next = Math.min(next, later.end());
        } else if (later.position() > at) {
          next = Math.min(next, later.position());
        }
      }
      if (!covered) {
        int from = (int) (at - write.position());
        delegate.write(at, ByteBuffer.wrap(write.before(), from, (int) (next - at)));
      }
      at = next;
    }
  }
}
