package org.vhdspark.image;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.vhdspark.Finding;
import org.vhdspark.VhdException;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;

/**
 * An image and its ancestors: layer 0 is the image, layer 1 its parent, and so on down to a fixed or
 * dynamic base. Owns the images it opened.
 */
public final class VhdChain implements Closeable {
  private final List<Layer> layers;
  private final List<Finding> findings;
  private final VhdException failure;

  /** One image of the chain, with where it was found. */
  public record Layer(Location location, VhdImage image) {}

  VhdChain(List<Layer> layers, List<Finding> chainFindings, VhdException failure) {
    this.layers = List.copyOf(layers);
    this.failure = failure;
    List<Finding> all = new ArrayList<>();
    layers.forEach(layer -> all.addAll(layer.image().findings()));
    all.addAll(chainFindings);
    this.findings = List.copyOf(all);
  }

  /** Opens the image at {@code location} and every ancestor, as {@code options} allow. */
  public static VhdChain open(ImageStore store, Location location, VhdOptions options) throws IOException {
    VhdImage top = VhdImage.open(store.open(location), options);
    return new ParentResolver(store, options, location).openChain(new Layer(location, top), false);
  }

  /**
   * Opens the image and as many ancestors as can be found: where a parent is missing, or the chain
   * loops or runs too deep, it ends early and {@link #failure()} says why. For inventories and checks,
   * which report what is there; reading the resolved disk needs a complete chain.
   */
  public static VhdChain openAvailable(ImageStore store, Location location, VhdOptions options) throws IOException {
    VhdImage top = VhdImage.open(store.open(location), options);
    return new ParentResolver(store, options, location).openChain(new Layer(location, top), true);
  }

  /** The image alone, without looking for its parent: enough for its own (delta) sectors. */
  public static VhdChain openImageOnly(ImageStore store, Location location, VhdOptions options) throws IOException {
    return new VhdChain(List.of(new Layer(location, VhdImage.open(store.open(location), options))), List.of(), null);
  }

  public List<Layer> layers() {
    return layers;
  }

  public VhdImage image() {
    return layers.get(0).image();
  }

  /** Warnings of every layer, and of how they were linked (such as a parent timestamp mismatch). */
  public List<Finding> findings() {
    return findings;
  }

  public int depth() {
    return layers.size();
  }

  /** Why {@link #openAvailable} stopped before a base image, if it did. */
  public java.util.Optional<VhdException> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  /** Whether the chain ends in a base image, i.e. every differencing layer has its parent. */
  public boolean isComplete() {
    return !layers.get(layers.size() - 1).image().isDifferencing();
  }

  @Override
  public void close() throws IOException {
    closeAll(layers.stream().map(Layer::image).toList());
  }

  static void closeAll(List<VhdImage> images) throws IOException {
    IOException failure = null;
    for (VhdImage image : images) {
      try {
        image.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A cycle, an over-deep chain, or layers that do not fit together. */
  public static final class ChainException extends VhdException {
    public ChainException(String message) {
      super(message);
    }
  }

}
