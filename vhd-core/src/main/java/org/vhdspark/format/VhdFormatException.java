package org.vhdspark.format;

import java.util.Locale;
import org.vhdspark.VhdException;

/**
 * A structure of an image is not what the format allows. Always names the image, the structure, the
 * field, the absolute byte offset of the field, and what was expected and found.
 */
public final class VhdFormatException extends VhdException {
  private final String source;
  private final String structure;
  private final String field;
  private final long offset;
  private final String expected;
  private final String found;

  public VhdFormatException(String source, String structure, String field, long offset, String expected, String found) {
    super(source + ": " + detail(structure, field, offset, expected, found));
    this.source = source;
    this.structure = structure;
    this.field = field;
    this.offset = offset;
    this.expected = expected;
    this.found = found;
  }

  public String source() {
    return source;
  }

  public String structure() {
    return structure;
  }

  public String field() {
    return field;
  }

  public long offset() {
    return offset;
  }

  public String expected() {
    return expected;
  }

  public String found() {
    return found;
  }

  /** The message without the image name, as a warning about the image quotes it. */
  public String detail() {
    return detail(structure, field, offset, expected, found);
  }

  private static String detail(String structure, String field, long offset, String expected, String found) {
    return String.format(Locale.ROOT, "%s field '%s' at offset %,d: expected %s, found %s",
        structure, field, offset, expected, found);
  }
}
