package org.vhdspark.spark;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import org.vhdspark.io.Location;

/**
 * An image as the driver found it: its path as shown in rows, and the layers of its chain, so that
 * every task opens exactly the chain that was planned, without searching for parents again.
 *
 * @param path        the image's path, as the {@code path} column shows it
 * @param layers      the chain's files, layer 0 first: for each, the location's root and path
 * @param resolved    whether tasks read the whole chain (else only the image: the delta view, or a
 *                    catalog row of an image whose parent was not found)
 * @param parentError why the parent was not found (catalog only), or null
 * @param error       why the image could not be opened on the driver (catalog only; then there
 *                    are no layers), or null
 */
record PlannedImage(String path, List<String[]> layers, boolean resolved, String parentError, String error)
    implements Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  PlannedImage {
    layers = List.copyOf(layers);
  }

  static PlannedImage of(String path, List<Location> chain, boolean resolved, String parentError) {
    return new PlannedImage(path, chain.stream().map(l -> new String[] {l.root(), l.path()}).toList(), resolved,
        parentError, null);
  }

  /** An image the catalog lists with the reason it cannot be read. */
  static PlannedImage unreadable(String path, String error) {
    return new PlannedImage(path, List.of(), false, null, error);
  }

  Location layer(int index) {
    String[] layer = layers.get(index);
    return new Location(layer[0], layer[1]);
  }

  int depth() {
    return layers.size();
  }
}
