package org.vhdspark.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vhdspark.Finding;
import org.vhdspark.Finding.Severity;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdImage;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;

/** An opened image under check: what the rules read, and where they report. */
final class CheckedImage {
  /** vhd-util check allows timestamps this far ahead, for clock skew with NFS servers. */
  static final long CLOCK_SLACK_SECONDS = 1800;

  private final Location location;
  private final VhdImage image;
  private final ImageStore store;
  private final Location parent;
  private final Severity checksumSeverity;
  private final Instant now;
  private final List<Finding> findings = new ArrayList<>();

  CheckedImage(Location location, VhdImage image, ImageStore store, Location parent, Severity checksumSeverity, Instant now) {
    this.location = location;
    this.image = image;
    this.store = store;
    this.parent = parent;
    this.checksumSeverity = checksumSeverity;
    this.now = now;
  }

  Location location() {
    return location;
  }

  VhdImage image() {
    return image;
  }

  ImageStore store() {
    return store;
  }

  /** Where the chain found this image's parent; null when it has none or it was not found. */
  Location parent() {
    return parent;
  }

  String name() {
    return image.name();
  }

  long fileSize() throws IOException {
    return image.source().size();
  }

  /** Where data may end: the start of the footer in use (or of the damaged one at the end). */
  long dataEnd() throws IOException {
    long footerOffset = image.footerOffset();
    return footerOffset != 0 ? footerOffset : fileSize() - fileSize() % VhdFormat.SECTOR_SIZE;
  }

  DynamicHeader header() {
    return image.header().orElseThrow();
  }

  long headerOffset() {
    return image.footer().dataOffset();
  }

  boolean isTooFarAhead(Instant instant) {
    return instant.isAfter(now.plusSeconds(CLOCK_SLACK_SECONDS));
  }

  Instant now() {
    return now;
  }

  /** {@code length} bytes at {@code offset}, big-endian; the caller has checked the range. */
  ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    image.source().readFully(offset, buf);
    return buf.flip().order(ByteOrder.BIG_ENDIAN);
  }

  List<Finding> findings() {
    return findings;
  }

  void error(String message) {
    findings.add(Finding.error(name(), message));
  }

  void warning(String message) {
    findings.add(Finding.warning(name(), message));
  }

  /** A field holding what the format forbids, worded as the reader's own format errors are. */
  void fieldError(String structure, String field, long offset, String expected, String found) {
    error(fieldMessage(structure, field, offset, expected, found));
  }

  /** A stored checksum that does not match: an error unless checksum verification is off. */
  void checksumMismatch(String structure, long offset, int computed, int stored) {
    String message = fieldMessage(structure, "checksum", offset, hex32(computed), hex32(stored));
    if (checksumSeverity == Severity.ERROR) {
      error(message);
    } else {
      warning(message + " (accepted: checksum verification is off)");
    }
  }

  static String fieldMessage(String structure, String field, long offset, String expected, String found) {
    return String.format(Locale.ROOT, "%s field '%s' at offset %,d: expected %s, found %s", structure, field, offset, expected, found);
  }

  static String hex32(int value) {
    return String.format(Locale.ROOT, "0x%08X", value);
  }

  static String hex64(long value) {
    return String.format(Locale.ROOT, "0x%016X", value);
  }

  /** Index of the first non-zero byte of {@code [from, from + length)}, or -1. */
  static int firstNonZero(ByteBuffer buf, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (buf.get(i) != 0) {
        return i;
      }
    }
    return -1;
  }
}
