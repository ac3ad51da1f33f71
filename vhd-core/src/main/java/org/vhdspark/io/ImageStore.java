package org.vhdspark.io;

import java.io.IOException;

/**
 * The place where images live: opens locations and answers whether they exist. Parent resolution
 * uses nothing else, so a chain resolves the same way on a local disk, HDFS or S3.
 */
public interface ImageStore {
  ReadSource open(Location location) throws IOException;

  boolean exists(Location location) throws IOException;

  /** The file's modification time in seconds since the Unix epoch, or -1 where the store cannot tell. */
  default long modificationTime(Location location) throws IOException {
    return -1;
  }

  /** Creates a new file to write an image into; never replaces an existing one. */
  default ReadWriteFile create(Location location) throws IOException {
    throw new java.io.IOException(location + ": this store is read-only");
  }

  /** Moves a finished file into place; fails if {@code target} exists. Atomic where the store allows. */
  default void rename(Location source, Location target) throws IOException {
    throw new java.io.IOException(source + ": this store is read-only");
  }

  /** Removes a file, if it exists. */
  default void delete(Location location) throws IOException {
    throw new java.io.IOException(location + ": this store is read-only");
  }

  /** Opens an existing image to update it in place. */
  default ReadWriteFile openForUpdate(Location location) throws IOException {
    throw new java.io.IOException(location + ": this store is read-only");
  }

  /**
   * The location with links resolved, for deciding whether it lies inside the allowed folders.
   * Stores without links return it unchanged.
   */
  default Location canonical(Location location) throws IOException {
    return location;
  }
}
