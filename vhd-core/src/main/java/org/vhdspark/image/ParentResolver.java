package org.vhdspark.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.vhdspark.Finding;
import org.vhdspark.VhdException;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain.ChainException;
import org.vhdspark.image.VhdChain.Layer;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;

/**
 * Finds the parents of differencing images. Candidates come from the locators and the parent unicode
 * name, those in the child's own folder first; each must lie inside the allowed folders (the opened
 * image's folder and those the caller allows), exist, open, and carry the unique id the child records.
 * Explicit overrides replace the search. Cycles and over-deep chains are refused.
 */
final class ParentResolver {
  private final ImageStore store;
  private final VhdOptions options;
  private final List<Location> allowedFolders = new ArrayList<>();
  private final List<Finding> findings = new ArrayList<>();

  ParentResolver(ImageStore store, VhdOptions options, Location top) throws IOException {
    this.store = store;
    this.options = options;
    allowedFolders.add(store.canonical(top.folder()));
    for (Location folder : options.allowedFolders()) {
      allowedFolders.add(store.canonical(folder));
    }
  }

  /** A place to look for a parent; {@code location} is null where the path cannot be reached from here. */
  record Candidate(String origin, Location location, String note) {
    @Override
    public String toString() {
      return location == null ? origin : location + " (from " + origin + ")";
    }
  }

  /**
   * Opens the ancestors of {@code top}. A parent that cannot be found, a cycle or an over-deep chain
   * is thrown, unless {@code keepWhatWasFound}: then the chain ends at the last image found and
   * carries the failure.
   */
  VhdChain openChain(Layer top, boolean keepWhatWasFound) throws IOException {
    List<Layer> layers = new ArrayList<>();
    layers.add(top);
    try {
      Layer current = top;
      while (current.image().isDifferencing()) {
        try {
          if (layers.size() >= options.maxDepth()) {
            throw new ChainException(top.location() + ": chain deeper than " + options.maxDepth() + " images at "
                + current.location());
          }
          current = findParent(current, layers);
        } catch (ParentNotFoundException | ChainException e) {
          if (!keepWhatWasFound) {
            throw e;
          }
          return new VhdChain(layers, findings, e);
        }
        layers.add(current);
      }
      return new VhdChain(layers, findings, null);
    } catch (IOException | RuntimeException e) {
      try {
        VhdChain.closeAll(layers.stream().map(Layer::image).toList());
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Checks an opened parent against its child's record: why the candidate is rejected, or null when it
   * is the parent. A cycle is an error; a differing timestamp only a warning.
   */
  private String verify(Layer child, List<Layer> chain, Candidate candidate, VhdImage parent) throws IOException {
    DynamicHeader header = child.image().header().orElseThrow();
    UUID actual = parent.footer().uniqueId();
    if (header.hasParentUniqueId() && !actual.equals(header.parentUniqueId())) {
      String mismatch = "unique id " + actual + ", expected " + header.parentUniqueId();
      if (options.verifyParentUuid()) {
        return mismatch;
      }
      findings.add(Finding.warning(child.location().toString(), "parent " + candidate.location() + " has " + mismatch
          + " (accepted: parent unique id verification is off)"));
    }
    for (Layer layer : chain) {
      if (!actual.equals(VhdFormat.NULL_UUID) && layer.image().footer().uniqueId().equals(actual)) {
        throw new ChainException(child.location() + ": parent " + candidate.location() + " has unique id " + actual
            + ", already in the chain at " + layer.location() + " (a cycle)");
      }
    }
    long modified = store.modificationTime(candidate.location());
    int recorded = header.parentTimestamp();
    // The specification records the parent's modification time; Windows and qemu write the parent's footer time.
    if (recorded != parent.footer().timestamp()
        && (modified < 0 || recorded != VhdFormat.instantToTimestamp(java.time.Instant.ofEpochSecond(modified)))) {
      findings.add(Finding.warning(child.location().toString(), "parent timestamp "
          + VhdFormat.timestampToInstant(recorded) + " matches neither the parent's footer timestamp "
          + parent.footer().timestampInstant() + (modified < 0 ? "" : " nor its modification time "
          + java.time.Instant.ofEpochSecond(modified)) + " (not enforced)"));
    }
    return null;
  }

  private static void closeQuietly(VhdImage image, Exception failure) {
    try {
      image.close();
    } catch (IOException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  private Layer findParent(Layer child, List<Layer> chain) throws IOException {
    DynamicHeader header = child.image().header().orElseThrow();
    Location override = override(child.location());
    List<Candidate> candidates = override != null
        ? List.of(new Candidate("explicit parent", override, null))
        : candidates(child);
    List<String> tried = new ArrayList<>();
    for (Candidate candidate : candidates) {
      if (candidate.location() == null) {
        tried.add(candidate.origin() + " (" + candidate.note() + ")");
        continue;
      }
      Location canonical = store.canonical(candidate.location());
      if (override == null && !isAllowed(canonical)) {
        tried.add(candidate + " (outside the allowed folders " + allowedFolders + "; allow its folder explicitly)");
        continue;
      }
      if (!store.exists(candidate.location())) {
        tried.add(candidate + " (not found)");
        continue;
      }
      for (Layer layer : chain) {
        if (store.canonical(layer.location()).equals(canonical)) {
          throw new ChainException(child.location() + ": parent chain loops back to " + layer.location());
        }
      }
      VhdImage parent;
      try {
        parent = VhdImage.open(store.open(candidate.location()), options);
      } catch (VhdException e) {
        tried.add(candidate + " (cannot be opened: " + e.getMessage() + ")");
        continue;
      }
      String rejected;
      try {
        rejected = verify(child, chain, candidate, parent);
      } catch (IOException | RuntimeException e) {
        closeQuietly(parent, e);
        throw e;
      }
      if (rejected != null) {
        parent.close();
        tried.add(candidate + " (" + rejected + ")");
        continue;
      }
      return new Layer(candidate.location(), parent);
    }
    String wanted = header.parentUniqueId() + (header.parentUnicodeName().isEmpty() ? "" : " (\"" + header.parentUnicodeName() + "\")");
    throw new ParentNotFoundException(child.location().toString(), wanted, tried);
  }

  /** The explicit parent of {@code child}, matching the child by its path as given or with links resolved. */
  private Location override(Location child) throws IOException {
    Location canonicalChild = store.canonical(child);
    for (Map.Entry<Location, Location> entry : options.parentOverrides().entrySet()) {
      if (entry.getKey().equals(child) || store.canonical(entry.getKey()).equals(canonicalChild)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private boolean isAllowed(Location canonical) {
    return allowedFolders.stream().anyMatch(canonical::isWithin);
  }

  /** Relative locators first, then the parent's name in the child's folder, then absolute paths. */
  List<Candidate> candidates(Layer child) {
    Location folder = child.location().folder();
    List<Candidate> nearby = new ArrayList<>();
    List<Candidate> absolute = new ArrayList<>();
    for (VhdImage.LocatorPath locator : child.image().locatorPaths()) {
      String origin = locator.locator().codeLabel() + " locator \"" + locator.path() + "\"";
      String path = locator.path();
      if (locator.locator().platform() == PlatformCode.MACX) {
        path = percentDecode(path.substring("file://".length()));
        if (path.startsWith("localhost/")) {
          path = path.substring("localhost".length());
        }
      }
      addPath(origin, path, folder, nearby, absolute);
    }
    String name = child.image().header().orElseThrow().parentUnicodeName();
    if (!name.isEmpty()) {
      addPath("parent name \"" + name + "\"", name, folder, nearby, absolute);
    }
    Map<String, Candidate> unique = new LinkedHashMap<>();
    nearby.addAll(absolute);
    for (Candidate candidate : nearby) {
      unique.putIfAbsent(candidate.location() == null ? candidate.origin() : candidate.location().toString(), candidate);
    }
    return List.copyOf(unique.values());
  }

  private static void addPath(String origin, String path, Location folder, List<Candidate> nearby, List<Candidate> absolute) {
    String slashed = path.replace('\\', '/');
    String fileName = slashed.substring(slashed.lastIndexOf('/') + 1);
    boolean windowsAbsolute = slashed.matches("^[A-Za-z]:/.*") || slashed.startsWith("//");
    if (windowsAbsolute) {
      absolute.add(new Candidate(origin, null, "a Windows absolute path, not reachable here; its file name is looked for in the child's folder"));
      if (!fileName.isEmpty()) {
        nearby.add(new Candidate(origin, folder.resolve(fileName), null));
      }
    } else if (slashed.startsWith("/")) {
      absolute.add(new Candidate(origin, new Location(folder.root(), slashed), null));
    } else {
      nearby.add(new Candidate(origin, folder.resolve(slashed), null));
    }
  }

  private static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
        bytes.write(Character.digit(raw[i + 1], 16) << 4 | Character.digit(raw[i + 2], 16));
        i += 2;
      } else {
        bytes.write(raw[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(byte b) {
    return Character.digit(b, 16) >= 0;
  }
}
