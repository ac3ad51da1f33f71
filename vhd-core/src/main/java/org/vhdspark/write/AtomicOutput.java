package org.vhdspark.write;

import java.io.IOException;
import java.util.UUID;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;

/**
 * Writes a new image under a temporary name in the target's folder and renames it into place only
 * when complete, so a reader never sees a half-written image and a failure leaves nothing behind.
 */
public final class AtomicOutput {
  /** Fills the new, empty file. */
  public interface Writer<T> {
    T write(ReadWriteFile file) throws IOException;
  }

  private AtomicOutput() {}

  public static <T> T write(ImageStore store, Location target, Writer<T> writer) throws IOException {
    if (store.exists(target)) {
      throw new java.nio.file.FileAlreadyExistsException(target.toString());
    }
    Location temporary = temporaryFor(target);
    try {
      T result;
      try (ReadWriteFile file = store.create(temporary)) {
        result = writer.write(file);
        file.sync();
      }
      store.rename(temporary, target);
      return result;
    } catch (IOException | RuntimeException e) {
      try {
        store.delete(temporary);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** A new hidden name beside {@code target} for writing it before it is published. */
  public static Location temporaryFor(Location target) {
    return target.folder().resolve("." + target.fileName() + "." + UUID.randomUUID() + ".tmp");
  }
}
