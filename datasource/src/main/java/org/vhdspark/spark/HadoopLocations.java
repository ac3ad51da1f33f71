package org.vhdspark.spark;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.fs.Path;
import org.vhdspark.io.Location;

/**
 * Converts between Hadoop paths and vhd-core {@link Location}s. A {@code file:} path maps to a local
 * location (empty root); any other scheme to the root "scheme://authority". The conversion works on
 * decoded URI components, so names with spaces, '%' or ':' survive the round trip.
 */
final class HadoopLocations {
  private HadoopLocations() {}

  /** The location of a qualified path (one with a scheme, as {@code FileSystem.makeQualified} returns). */
  static Location toLocation(Path path) {
    URI uri = path.toUri();
    String scheme = uri.getScheme();
    if (scheme == null || scheme.equals("file")) {
      return new Location("", uri.getPath());
    }
    String authority = uri.getAuthority() == null ? "" : uri.getAuthority();
    return new Location(scheme + "://" + authority, uri.getPath());
  }

  static Path toPath(Location location) {
    try {
      if (location.isLocal()) {
        return new Path(new URI("file", null, location.path(), null, null));
      }
      URI root = new URI(location.root() + "/");
      return new Path(new URI(root.getScheme(), root.getAuthority(), location.path(), null, null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Hadoop path: " + location, e);
    }
  }

  /** The text shown in the {@code path} and {@code _layer_path} columns. */
  static String display(Location location) {
    return toPath(location).toString();
  }
}
