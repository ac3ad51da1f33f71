package org.vhdspark.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.Location;

/**
 * Opens images and their chains through a {@link HadoopImageStore}, as the options say. On the
 * driver the location policy applies (the image's folder, {@code parentPaths}, {@code parents});
 * tasks open the chain the driver found, layer by layer, as explicit parents.
 */
final class ChainOpener {
  private final VhdReadOptions options;
  private final Configuration conf;
  private final HadoopImageStore store;
  private final VhdOptions base;

  ChainOpener(VhdReadOptions options, Configuration conf) {
    this.options = options;
    this.conf = conf;
    this.store = new HadoopImageStore(conf);
    VhdOptions core = VhdOptions.defaults();
    if (!options.verifyChecksums()) {
      core = core.withoutChecksumVerification();
    }
    if (!options.verifyParentUuid()) {
      core = core.withoutParentUuidVerification();
    }
    if (options.sizeFromChs()) {
      core = core.withSizeFromChs();
    }
    this.base = core;
  }

  /** What the driver opened: the view's disk, and why the parent is missing (catalog only). */
  record Opened(VirtualDisk disk, String parentError) {}

  /** The core options with the location policy: allowed folders and explicit parents, qualified. */
  VhdOptions policy() throws IOException {
    VhdOptions core = base;
    for (String folder : options.parentPaths()) {
      core = core.withAllowedFolder(qualify(folder));
    }
    for (var pair : options.parents().entrySet()) {
      core = core.withParent(qualify(pair.getKey()), qualify(pair.getValue()));
    }
    return core;
  }

  Location qualify(String text) throws IOException {
    Path path = new Path(text);
    return HadoopLocations.toLocation(path.getFileSystem(conf).makeQualified(path));
  }

  /** Driver side: the image at {@code top} in the view the options ask for. */
  Opened openForPlanning(Location top, VhdOptions policy) throws IOException {
    if (options.view() == VhdReadOptions.View.DELTA) {
      return new Opened(VirtualDisk.delta(VhdChain.openImageOnly(store, top, policy)), null);
    }
    if (options.output() == VhdReadOptions.Output.CATALOG) {
      // An inventory reports what is there: the layers found, and why the chain stops if it does.
      VhdChain chain = VhdChain.openAvailable(store, top, policy);
      if (chain.failure().isPresent()) {
        return new Opened(VirtualDisk.delta(chain), chain.failure().get().getMessage());
      }
      return new Opened(resolved(chain), null);
    }
    return new Opened(resolved(VhdChain.open(store, top, policy)), null);
  }

  /** Task side: exactly the chain the driver planned. */
  VirtualDisk open(PlannedImage image) throws IOException {
    VhdOptions core = base;
    for (int i = 0; i + 1 < image.depth(); i++) {
      core = core.withParent(image.layer(i), image.layer(i + 1));
    }
    if (!image.resolved()) {
      return VirtualDisk.delta(VhdChain.openImageOnly(store, image.layer(0), core));
    }
    return resolved(VhdChain.open(store, image.layer(0), core));
  }

  private static VirtualDisk resolved(VhdChain chain) throws IOException {
    try {
      return VirtualDisk.resolved(chain);
    } catch (IOException | RuntimeException e) {
      try {
        chain.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
