package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vhdspark.io.ReadWriteFile;

/**
 * Simulates a crash: the first {@code allowed} writes, truncations and syncs pass through; the next
 * one fails (a write first writes a whole-sector prefix of its data: a torn write), and so does
 * everything after. What a crash does to the operations that no sync made durable is up to the disk:
 * a {@link Loss} undoes some of them, in any combination, as a disk that reorders writes would. The
 * file then ends where the kept operations left it: a lost write takes back the size it gave the file,
 * a lost truncation gives the bytes back. That is what journaling file systems do (ext4 with
 * data=ordered, XFS): they record a larger size only once the data that fills it is on disk, so a
 * crash never leaves a file grown but not filled.
 */
public final class FailingFile extends ForwardingReadWriteFile {
  /** Which of the operations no sync made durable a crash undoes. */
  public interface Loss {
    /** Whether the {@code index}-th (oldest first) of the {@code count} unsynced operations is undone. */
    boolean undoes(int index, int count);

    /** Every one: the disk wrote none of them. */
    static Loss all() {
      return (index, count) -> true;
    }

    /** All but the newest: the disk took the last request first. */
    static Loss allButTheNewest() {
      return (index, count) -> index < count - 1;
    }

    /** Each at random, reproducibly from {@code seed}. */
    static Loss random(long seed) {
      Random random = new Random(seed);
      return (index, count) -> random.nextBoolean();
    }
  }

  /** Thrown at the simulated crash. */
  public static final class CrashException extends IOException {
    CrashException(String message) {
      super(message);
    }
  }

  /**
   * A write or truncation since the last sync, with what it replaced: for a write, its range (zeros
   * where it extended the file); for a truncation to {@code position}, the bytes it cut.
   */
  private record Unsynced(long position, byte[] before, boolean truncation) {
    long end() {
      return position + before.length;
    }
  }

  private final ReadWriteFile delegate;
  private final int allowed;
  private final int tornSectors;
  private final Loss loss;
  private final List<Unsynced> unsynced = new ArrayList<>();
  private long syncedSize;
  private int operations;
  private boolean crashed;

  /** A crash that keeps every operation that went through, as a killed process does. */
  public FailingFile(ReadWriteFile delegate, int allowed, int tornSectors) throws IOException {
    this(delegate, allowed, tornSectors, null);
  }

  /** A crash that undoes what {@code loss} says of the unsynced operations; null undoes none. */
  public FailingFile(ReadWriteFile delegate, int allowed, int tornSectors, Loss loss) throws IOException {
    super(delegate);
    this.delegate = delegate;
    this.allowed = allowed;
    this.tornSectors = tornSectors;
    this.loss = loss;
    this.syncedSize = delegate.size();
  }

  /** Writes, truncations and syncs that went through. */
  public int operations() {
    return operations;
  }

  @Override
  public void write(long position, ByteBuffer src) throws IOException {
    if (operations >= allowed) {
      int torn = Math.min(src.remaining() / 512, tornSectors) * 512;
      if (operations == allowed && torn > 0) {
        remember(position, torn, false);
        delegate.write(position, src.slice(src.position(), torn));
      }
      crash("write");
    }
    operations++;
    remember(position, src.remaining(), false);
    delegate.write(position, src);
  }

  @Override
  public void truncate(long size) throws IOException {
    if (operations >= allowed) {
      crash("truncate");
    }
    operations++;
    remember(size, (int) (delegate.size() - size), true);
    delegate.truncate(size);
  }

  @Override
  public void sync() throws IOException {
    if (operations >= allowed) {
      crash("sync");
    }
    operations++;
    // What survives a crash is this class's to decide: a real sync would only slow the tests down.
    unsynced.clear();
    syncedSize = delegate.size();
  }

  private void remember(long position, int length, boolean truncation) throws IOException {
    if (loss == null) {
      return;
    }
    byte[] before = new byte[length];
    int existing = (int) Math.max(0, Math.min(length, delegate.size() - position));
    if (existing > 0) {
      delegate.readFully(position, ByteBuffer.wrap(before, 0, existing));
    }
    unsynced.add(new Unsynced(position, before, truncation));
  }

  /**
   * Drops a random subset of the unsynced operations, then fails. A dropped operation's bytes go back
   * to what they were, except where a later operation that was kept covers them; the file's size is
   * the one the kept operations give it.
   */
  private void crash(String what) throws IOException {
    operations++;
    // What the crash lost is decided once; later operations (a close after the failure) only fail.
    if (loss != null && !crashed) {
      List<Unsynced> kept = new ArrayList<>();
      for (int i = unsynced.size() - 1; i >= 0; i--) {
        Unsynced operation = unsynced.get(i);
        if (!loss.undoes(i, unsynced.size())) {
          kept.add(0, operation);
          continue;
        }
        restoreOutside(operation, kept);
      }
      resize(kept);
    }
    crashed = true;
    throw new CrashException("simulated crash at " + what + " " + operations);
  }

  /** Gives the file the size the kept operations, in order, leave it with. */
  private void resize(List<Unsynced> kept) throws IOException {
    long size = syncedSize;
    for (Unsynced operation : kept) {
      size = operation.truncation() ? operation.position() : Math.max(size, operation.end());
    }
    if (delegate.size() > size) {
      delegate.truncate(size);
    } else if (delegate.size() < size) {
      delegate.write(size - 1, ByteBuffer.allocate(1));
    }
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
