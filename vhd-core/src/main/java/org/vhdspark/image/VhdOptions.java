package org.vhdspark.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vhdspark.io.Location;

/**
 * How images and chains are opened. {@link #defaults()} is strict: checksums and parent unique ids
 * verified, virtual size from the footer's current size, parents only in the opened image's folder.
 */
public record VhdOptions(
    boolean verifyChecksums,
    boolean sizeFromChs,
    boolean verifyParentUuid,
    Map<Location, Location> parentOverrides,
    List<Location> allowedFolders,
    int maxDepth) {

  /** Hyper-V allows 50 checkpoints; anything far deeper is a loop or an attack. */
  public static final int DEFAULT_MAX_DEPTH = 256;

  public VhdOptions {
    parentOverrides = Map.copyOf(parentOverrides);
    allowedFolders = List.copyOf(allowedFolders);
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1: " + maxDepth);
    }
  }

  public static VhdOptions defaults() {
    return new VhdOptions(true, false, true, Map.of(), List.of(), DEFAULT_MAX_DEPTH);
  }

  /** Reads images whose checksums are wrong (forensics); each bad checksum becomes a warning. */
  public VhdOptions withoutChecksumVerification() {
    return new VhdOptions(false, sizeFromChs, verifyParentUuid, parentOverrides, allowedFolders, maxDepth);
  }

  /** Takes the virtual size from the CHS geometry, as QEMU does for most creators. */
  public VhdOptions withSizeFromChs() {
    return new VhdOptions(verifyChecksums, true, verifyParentUuid, parentOverrides, allowedFolders, maxDepth);
  }

  /** Accepts a parent whose unique id differs from the one the child records. */
  public VhdOptions withoutParentUuidVerification() {
    return new VhdOptions(verifyChecksums, sizeFromChs, false, parentOverrides, allowedFolders, maxDepth);
  }

  /** Uses {@code parent} as the parent of {@code child}, whatever the child's locators say. */
  public VhdOptions withParent(Location child, Location parent) {
    Map<Location, Location> overrides = new LinkedHashMap<>(parentOverrides);
    overrides.put(child, parent);
    return new VhdOptions(verifyChecksums, sizeFromChs, verifyParentUuid, overrides, allowedFolders, maxDepth);
  }

  /** Lets a chain reach images in {@code folder} and below. */
  public VhdOptions withAllowedFolder(Location folder) {
    List<Location> folders = new ArrayList<>(allowedFolders);
    folders.add(folder);
    return new VhdOptions(verifyChecksums, sizeFromChs, verifyParentUuid, parentOverrides, folders, maxDepth);
  }

  public VhdOptions withMaxDepth(int depth) {
    return new VhdOptions(verifyChecksums, sizeFromChs, verifyParentUuid, parentOverrides, allowedFolders, depth);
  }
}
