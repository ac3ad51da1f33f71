package org.vhdspark.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;

/**
 * Expands the paths of a read into image files, as Spark's file sources do: globs, folders (their
 * files, or their whole tree with {@code recursiveFileLookup}), hidden names ('.' or '_' first)
 * skipped inside folders, and {@code pathGlobFilter} on every file name. A path or glob that matches
 * nothing is Spark's {@code PATH_NOT_FOUND} AnalysisException; any other listing failure a
 * {@link VhdScanException} naming the path.
 */
final class FileLister {
  private final Configuration conf;
  private final GlobFilter nameFilter;
  private final boolean recursive;

  FileLister(Configuration conf, String pathGlobFilter, boolean recursive) {
    this.conf = conf;
    this.nameFilter = pathGlobFilter == null ? null : nameFilter(pathGlobFilter);
    this.recursive = recursive;
  }

  private static GlobFilter nameFilter(String glob) {
    try {
      return new GlobFilter(glob);
    } catch (IOException e) {
      throw new IllegalArgumentException("vhd option '" + VhdReadOptions.PATH_GLOB_FILTER + "': not a valid glob: '" + glob
          + "' (" + e.getMessage() + ")", e);
    }
  }

  /** The image files, in the order of the paths (each folder and glob sorted), without duplicates. */
  List<FileStatus> list(List<String> paths) {
    Map<String, FileStatus> files = new LinkedHashMap<>();
    for (String text : paths) {
      try {
        listPath(text, files);
      } catch (IOException e) {
        throw new VhdScanException("vhd: cannot list the path " + text + ": " + e.getMessage(), e);
      }
    }
    return new ArrayList<>(files.values());
  }

  private void listPath(String text, Map<String, FileStatus> files) throws IOException {
    Path path = new Path(text);
    FileSystem fs = path.getFileSystem(conf);
    Path qualified = fs.makeQualified(path);
    FileStatus[] matches;
    if (isGlob(text)) {
      matches = fs.globStatus(qualified);
      if (matches == null || matches.length == 0) {
        throw AnalysisErrors.pathNotFound(qualified.toString());
      }
    } else {
      try {
        matches = new FileStatus[] {fs.getFileStatus(qualified)};
      } catch (FileNotFoundException e) {
        throw AnalysisErrors.pathNotFound(qualified.toString());
      }
    }
    for (FileStatus match : matches) {
      if (match.isDirectory()) {
        listFolder(fs, match.getPath(), files);
      } else {
        add(match, files);
      }
    }
  }

  private void listFolder(FileSystem fs, Path folder, Map<String, FileStatus> files) throws IOException {
    FileStatus[] children = fs.listStatus(folder);
    Arrays.sort(children, Comparator.comparing(status -> status.getPath().getName()));
    for (FileStatus child : children) {
      if (isHidden(child.getPath().getName())) {
        continue;
      }
      if (child.isDirectory()) {
        if (recursive) {
          listFolder(fs, child.getPath(), files);
        }
      } else {
        add(child, files);
      }
    }
  }

  private void add(FileStatus file, Map<String, FileStatus> files) {
    if (nameFilter == null || nameFilter.accept(file.getPath())) {
      files.putIfAbsent(file.getPath().toString(), file);
    }
  }

  static boolean isHidden(String name) {
    return name.startsWith(".") || name.startsWith("_") || name.endsWith("._COPYING_");
  }

  private static boolean isGlob(String path) {
    for (char c : path.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
        return true;
      }
    }
    return false;
  }
}
