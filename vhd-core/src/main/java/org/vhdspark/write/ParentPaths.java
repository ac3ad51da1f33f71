package org.vhdspark.write;

import java.nio.charset.StandardCharsets;
import org.vhdspark.io.Location;

/** The paths a child records to find its parent. */
final class ParentPaths {
  private ParentPaths() {}

  /**
   * The parent's path relative to the child's folder ('/'-separated, e.g. "base.vhd" or
   * "../bases/base.vhd"), or its absolute path when the two are on different file systems.
   */
  static String relative(Location child, Location parent) {
    if (!child.root().equals(parent.root())) {
      return parent.path();
    }
    String[] from = child.folder().path().split("/");
    String[] to = parent.path().split("/");
    int common = 0;
    while (common < from.length && common < to.length - 1 && from[common].equals(to[common])) {
      common++;
    }
    StringBuilder path = new StringBuilder();
    for (int i = common; i < from.length; i++) {
      if (!from[i].isEmpty()) {
        path.append("../");
      }
    }
    for (int i = common; i < to.length; i++) {
      if (!to[i].isEmpty()) {
        path.append(to[i]).append(i < to.length - 1 ? "/" : "");
      }
    }
    return path.toString();
  }

  /** Percent-encodes what a file:// URL path cannot hold as it is. */
  static String percentEncode(String path) {
    StringBuilder url = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c > 0x20 && c < 0x7F && c != '%' && c != '?' && c != '#') {
        url.append((char) c);
      } else {
        url.append(String.format("%%%02X", c));
      }
    }
    return url.toString();
  }
}
