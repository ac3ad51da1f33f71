package org.vhdspark.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where a file's bytes are stored, from {@link FileSystem#getFileBlockLocations}: which hosts hold
 * how many bytes of a range. Stores that report only "localhost" (local files, S3) give no locality.
 */
final class BlockHosts {
  private static final String LOCALHOST = "localhost";

  private final BlockLocation[] blocks;

  private BlockHosts(BlockLocation[] blocks) {
    this.blocks = blocks;
  }

  /** The file's block locations, or null when the store reports no host but localhost. */
  static BlockHosts of(FileSystem fs, FileStatus status) throws IOException {
    return of(fs.getFileBlockLocations(status, 0, status.getLen()));
  }

  /** The given block locations, or null when they name no host but localhost. */
  static BlockHosts of(BlockLocation[] blocks) throws IOException {
    if (blocks == null) {
      return null;
    }
    boolean anyHost = false;
    for (BlockLocation block : blocks) {
      for (String host : block.getHosts()) {
        anyHost |= !host.isEmpty() && !host.equals(LOCALHOST);
      }
    }
    if (!anyHost) {
      return null;
    }
    BlockLocation[] sorted = blocks.clone();
    Arrays.sort(sorted, Comparator.comparingLong(BlockLocation::getOffset));
    return new BlockHosts(sorted);
  }

  /** Adds to {@code bytesByHost} the bytes of {@code [start, start + length)} each host stores. */
  void add(long start, long length, Map<String, Long> bytesByHost) throws IOException {
    long end = start + length;
    int i = first(start);
    for (; i < blocks.length && blocks[i].getOffset() < end; i++) {
      long overlap = Math.min(end, blocks[i].getOffset() + blocks[i].getLength()) - Math.max(start, blocks[i].getOffset());
      if (overlap <= 0) {
        continue;
      }
      for (String host : blocks[i].getHosts()) {
        if (!host.isEmpty() && !host.equals(LOCALHOST)) {
          bytesByHost.merge(host, overlap, Long::sum);
        }
      }
    }
  }

  private int first(long offset) {
    int low = 0;
    int high = blocks.length - 1;
    int found = 0;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (blocks[mid].getOffset() <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** The (at most) {@code count} hosts holding the most bytes. */
  static String[] top(Map<String, Long> bytesByHost, int count) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(bytesByHost.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    return entries.stream().limit(count).map(Map.Entry::getKey).toArray(String[]::new);
  }
}
