package org.vhdspark.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadSource;

/**
 * Images on any Hadoop {@link FileSystem} (file:, hdfs:, s3a:, ...): what parent resolution uses on
 * the driver and the executors. File systems come from Hadoop's cache and are never closed here.
 */
public final class HadoopImageStore implements ImageStore {
  private final Configuration conf;

  public HadoopImageStore(Configuration conf) {
    this.conf = conf;
  }

  @Override
  public ReadSource open(Location location) throws IOException {
    Path path = HadoopLocations.toPath(location);
    FileSystem fs = path.getFileSystem(conf);
    FileStatus status = fs.getFileStatus(path);
    if (status.isDirectory()) {
      throw new IOException(path + ": is a directory, not an image");
    }
    return HadoopReadSource.open(fs, status);
  }

  @Override
  public boolean exists(Location location) throws IOException {
    Path path = HadoopLocations.toPath(location);
    try {
      return path.getFileSystem(conf).getFileStatus(path).isFile();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /** From the file system's status, as the local store does, so the CLI and Spark judge parent timestamps alike. */
  @Override
  public long modificationTime(Location location) throws IOException {
    Path path = HadoopLocations.toPath(location);
    return Math.floorDiv(path.getFileSystem(conf).getFileStatus(path).getModificationTime(), 1000L);
  }

  /** The file's modification time in milliseconds, as precise as the file system keeps it. */
  public long modificationTimeMillis(Location location) throws IOException {
    Path path = HadoopLocations.toPath(location);
    return path.getFileSystem(conf).getFileStatus(path).getModificationTime();
  }

  /** Local files have their links resolved (as vhd-core does); stores without links keep the location. */
  @Override
  public Location canonical(Location location) throws IOException {
    return location.isLocal() ? LocalImageStore.INSTANCE.canonical(location) : location;
  }
}
