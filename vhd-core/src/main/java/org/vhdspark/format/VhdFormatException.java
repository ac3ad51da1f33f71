package org.vhdspark.format;

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
    super(String.format("%s: %s field '%s' at offset %,d: expected %s, found %s",
        source, structure, field, offset, expected, found));
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
}
