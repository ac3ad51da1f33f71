package org.vhdspark.io;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Where an image lives: a file system {@code root} ("" for local paths, or "scheme://authority" such
 * as "hdfs://nn:8020" or "s3a://bucket") and an absolute, normalized, '/'-separated {@code path}. Path
 * arithmetic (folder, resolving a relative path, containment) is lexical and the same for every file
 * system, so parent resolution and the location policy work alike on local disks, HDFS and S3.
 */
public record Location(String root, String path) {
  public Location {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("location path must be absolute: " + path);
    }
    path = normalize(path);
  }

  /** A local file; relative paths are made absolute against the working directory. */
  public static Location of(Path file) {
    return new Location("", file.toAbsolutePath().normalize().toString());
  }

  /**
   * Parses "scheme://authority/path", "file:/path", "file:///path" or a local path (absolute, or
   * relative to the working directory).
   */
  public static Location parse(String text) {
    if (text.startsWith("file:")) {
      return of(Path.of(URI.create(text.startsWith("file://") ? text : "file://" + text.substring(5))));
    }
    int schemeEnd = text.indexOf("://");
    if (schemeEnd > 0 && text.substring(0, schemeEnd).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      int pathStart = text.indexOf('/', schemeEnd + 3);
      if (pathStart < 0) {
        return new Location(text, "/");
      }
      return new Location(text.substring(0, pathStart), text.substring(pathStart));
    }
    return of(Path.of(text));
  }

  public boolean isLocal() {
    return root.isEmpty();
  }

  /** The local file of a local location. */
  public Path toPath() {
    if (!isLocal()) {
      throw new IllegalStateException("not a local location: " + this);
    }
    return Path.of(path);
  }

  /** The last element of the path. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The folder holding this location ("/" for top-level files). */
  public Location folder() {
    int slash = path.lastIndexOf('/');
    return new Location(root, slash <= 0 ? "/" : path.substring(0, slash));
  }

  /** Resolves a '/'-separated path against this location taken as a folder; absolute paths replace it. */
  public Location resolve(String other) {
    if (other.startsWith("/")) {
      return new Location(root, other);
    }
    return new Location(root, path.endsWith("/") ? path + other : path + "/" + other);
  }

  /** Whether this location is {@code folder} or lies anywhere below it, on the same file system. */
  public boolean isWithin(Location folder) {
    if (!root.equals(folder.root)) {
      return false;
    }
    return path.equals(folder.path) || folder.path.equals("/") || path.startsWith(folder.path + "/");
  }

  @Override
  public String toString() {
    return root + path;
  }

  private static String normalize(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }
}
