package org.vhdspark.format;

import java.util.ArrayList;
import java.util.List;
import org.vhdspark.Finding;

/**
 * What a parser needs besides the bytes: the image's name for messages, whether a bad checksum is an
 * error, and where to put warnings.
 */
public final class ParseContext {
  private final String source;
  private final boolean verifyChecksums;
  private final List<Finding> findings = new ArrayList<>();

  public ParseContext(String source, boolean verifyChecksums) {
    this.source = source;
    this.verifyChecksums = verifyChecksums;
  }

  public String source() {
    return source;
  }

  public boolean verifiesChecksums() {
    return verifyChecksums;
  }

  public List<Finding> findings() {
    return findings;
  }

  public void warn(String message) {
    findings.add(Finding.warning(source, message));
  }

  public VhdFormatException error(String structure, String field, long offset, String expected, String found) {
    return new VhdFormatException(source, structure, field, offset, expected, found);
  }

  /** A wrong checksum fails by default; with verification off it is only a warning. */
  public void checkChecksum(String structure, long offset, int stored, int computed) throws VhdFormatException {
    if (stored == computed) {
      return;
    }
    VhdFormatException error = error(structure, "checksum", offset, VhdFormat.hex32(computed), VhdFormat.hex32(stored));
    if (verifyChecksums) {
      throw error;
    }
    warn(error.detail() + " (ignored: checksum verification is off)");
  }
}
