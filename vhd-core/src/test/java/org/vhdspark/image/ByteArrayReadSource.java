package org.vhdspark.image;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadSource;
import org.vhdspark.io.ReadSources;

/**
 * An image held in memory. Refuses reads past the end exactly as the real sources do, and counts
 * them: the reader validates every range before reading, so a test can demand that none happened.
 */
final class ByteArrayReadSource implements ReadSource {
  private final String name;
  private final byte[] bytes;
  private final AtomicInteger readsOutside;

  ByteArrayReadSource(String name, byte[] bytes, AtomicInteger readsOutside) {
    this.name = name;
    this.bytes = bytes;
    this.readsOutside = readsOutside;
  }

  ByteArrayReadSource(String name, byte[] bytes) {
    this(name, bytes, new AtomicInteger());
  }

  /** A store holding the one image {@code bytes} at {@code location}, counting reads outside it. */
  static ImageStore store(Location location, byte[] bytes, AtomicInteger readsOutside) {
    return new ImageStore() {
      @Override
      public ReadSource open(Location at) throws IOException {
        if (!at.equals(location)) {
          throw new java.nio.file.NoSuchFileException(at.toString());
        }
        return new ByteArrayReadSource(at.toString(), bytes, readsOutside);
      }

      @Override
      public boolean exists(Location at) {
        return at.equals(location);
      }
    };
  }

  int readsOutside() {
    return readsOutside.get();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    try {
      ReadSources.checkRange(this, position, dst.remaining());
    } catch (EOFException e) {
      readsOutside.incrementAndGet();
      throw e;
    }
    dst.put(bytes, (int) position, dst.remaining());
  }

  @Override
  public void close() {}
}
