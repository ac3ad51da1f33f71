package org.vhdspark.io;

import java.io.IOException;

/**
 * The place where images live: opens locations and answers whether they exist. Parent resolution
 * uses nothing else, so a chain resolves the same way on a local disk, HDFS or S3.
 */
public interface ImageStore {
  ReadSource open(Location location) throws IOException;

  boolean exists(Location location) throws IOException;

  /**
   * The location with links resolved, for deciding whether it lies inside the allowed folders.
   * Stores without links return it unchanged.
   */
  default Location canonical(Location location) throws IOException {
    return location;
  }
}
