package org.vhdspark;

/**
 * Something noticed about an image that did not stop it from being read (a warning), or a rule of
 * the format it breaks (an error, reported by the checker).
 */
public record Finding(Severity severity, String source, String message) {
  public enum Severity { WARNING, ERROR }

  public static Finding warning(String source, String message) {
    return new Finding(Severity.WARNING, source, message);
  }

  public static Finding error(String source, String message) {
    return new Finding(Severity.ERROR, source, message);
  }

  @Override
  public String toString() {
    return severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + source + ": " + message;
  }
}
