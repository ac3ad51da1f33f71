package org.vhdspark.check;

import java.io.EOFException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.vhdspark.Finding;
import org.vhdspark.Finding.Severity;
import org.vhdspark.VhdException;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;

/**
 * Structural validation of an image and every ancestor, after blktap's {@code vhd-util check}: the
 * footer and its copy, the dynamic header, the parent locators, the batmap, where blocks lie, and
 * whether each parent is found and is the one its child names.
 *
 * <p>An {@link Severity#ERROR} is something vhd-util check or a strict reader refuses, or that makes
 * established readers disagree about the disk; a {@link Severity#WARNING} is accepted by them but
 * unusual or a sign of trouble. A checksum mismatch is an error unless the options turn checksum
 * verification off. An image that cannot be opened at all is one error, and its checks stop there.
 */
public final class ImageChecker {
  private static final List<ImageRule> RULES = List.of(
      new FooterRules(), new HeaderRules(), new LocatorRules(), new BatmapRules(), new BatRules());

  private final ImageStore store;
  private final VhdOptions options;
  private final Clock clock;

  /** A checker that opens images from {@code store} as {@code options} say (overrides, allowed folders, strictness). */
  public ImageChecker(ImageStore store, VhdOptions options) {
    this(store, options, Clock.systemUTC());
  }

  ImageChecker(ImageStore store, VhdOptions options, Clock clock) {
    this.store = store;
    this.options = options;
    this.clock = clock;
  }

  /**
   * Checks the image at {@code location} and its ancestors. Problems of the images are findings;
   * only failures to read at all (a missing file, an I/O error) are thrown.
   */
  public List<Finding> check(Location location) throws IOException {
    // Open leniently so a bad checksum does not hide every other finding; the rules report it.
    VhdOptions reading = options.withoutChecksumVerification();
    List<Finding> findings = new ArrayList<>();
    VhdChain chain;
    try {
      chain = VhdChain.openAvailable(store, location, reading);
    } catch (VhdException | EOFException imageError) {
      findings.add(Finding.error(location.toString(), "cannot be opened: " + detail(imageError, location)));
      return findings;
    }
    try (chain) {
      List<VhdChain.Layer> layers = chain.layers();
      Set<Finding> ofLayers = new HashSet<>();
      for (int i = 0; i < layers.size(); i++) {
        Location parent = i + 1 < layers.size() ? layers.get(i + 1).location() : null;
        findings.addAll(checkImage(layers.get(i), parent));
        ofLayers.addAll(layers.get(i).image().findings());
      }
      chain.findings().stream().filter(f -> !ofLayers.contains(f)).forEach(findings::add);
      // Where the chain stopped early: the last image found is the one whose parent is missing.
      Location last = layers.get(layers.size() - 1).location();
      chain.failure().ifPresent(failure -> findings.add(Finding.error(last.toString(), detail(failure, last))));
    }
    return findings;
  }

  private List<Finding> checkImage(VhdChain.Layer layer, Location parent) throws IOException {
    VhdImage image = layer.image();
    Severity checksums = options.verifyChecksums() ? Severity.ERROR : Severity.WARNING;
    CheckedImage checked = new CheckedImage(layer.location(), image, store, parent, checksums, clock.instant());
    for (ImageRule rule : RULES) {
      try {
        rule.check(checked);
      } catch (EOFException e) {
        checked.error("could not finish the " + rule.getClass().getSimpleName() + " checks: " + detail(e, layer.location()));
      }
    }
    List<Finding> findings = new ArrayList<>(checked.findings());
    findings.addAll(OpenFindings.notRechecked(image.findings()));
    return findings;
  }

  /** The exception's message without the image name that starts it (a finding names the image itself). */
  private static String detail(IOException e, Location location) {
    if (e instanceof VhdFormatException format) {
      return format.detail();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String prefix = location + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
