package org.vhdspark.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads option values: booleans, choices, sizes, and the lists and maps that some options hold,
 * written either as JSON ({@code ["a","b"]}, {@code {"child":"parent"}}) or as comma-separated text
 * ({@code a,b} and {@code child=parent,child2=parent2}). Every error names the option.
 */
final class OptionText {
  private final Map<String, String> options;

  OptionText(Map<String, String> options) {
    this.options = options;
  }

  String string(String name, String fallback) {
    String value = options.get(name);
    return value == null ? fallback : value;
  }

  boolean bool(String name, boolean fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(name, "true or false", value);
    };
  }

  int integer(String name, int fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw bad(name, "an integer", value);
    }
  }

  <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.trim())) {
        return constant;
      }
    }
    List<String> labels = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      labels.add(VhdReadOptions.label(constant));
    }
    throw bad(name, "one of " + String.join(", ", labels), value);
  }

  long bytes(String name, long fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    long bytes;
    try {
      bytes = parseBytes(value);
    } catch (IllegalArgumentException e) {
      throw bad(name, "a size in bytes such as 134217728, 128m or 1g", value);
    }
    if (bytes <= 0) {
      throw bad(name, "a positive size", value);
    }
    return bytes;
  }

  /** A size as Spark writes them: a number of bytes, optionally with a binary unit (k, m, g, t, p; with or without b). */
  static long parseBytes(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    int digits = 0;
    while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
      digits++;
    }
    if (digits == 0) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    long number = Long.parseLong(value.substring(0, digits));
    int shift = switch (value.substring(digits).trim()) {
      case "", "b" -> 0;
      case "k", "kb" -> 10;
      case "m", "mb" -> 20;
      case "g", "gb" -> 30;
      case "t", "tb" -> 40;
      case "p", "pb" -> 50;
      default -> throw new IllegalArgumentException("not a size: " + text);
    };
    if (number > Long.MAX_VALUE >> shift) {
      throw new IllegalArgumentException("size too large: " + text);
    }
    return number << shift;
  }

  /** A JSON array of strings, or comma-separated values; blanks are dropped. */
  static List<String> list(String name, String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    String trimmed = value.trim();
    if (trimmed.startsWith("[")) {
      try {
        return new Json(trimmed).stringArray();
      } catch (IllegalArgumentException e) {
        throw bad(name, "a JSON array of strings or comma-separated paths (" + e.getMessage() + ")", value);
      }
    }
    List<String> items = new ArrayList<>();
    for (String item : trimmed.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  /** A JSON object of strings, or comma-separated {@code key=value} pairs. */
  static Map<String, String> pairs(String name, String value) {
    if (value == null || value.isBlank()) {
      return Map.of();
    }
    String trimmed = value.trim();
    if (trimmed.startsWith("{")) {
      try {
        return new Json(trimmed).stringObject();
      } catch (IllegalArgumentException e) {
        throw bad(name, "a JSON object of child to parent paths or comma-separated child=parent pairs (" + e.getMessage() + ")", value);
      }
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String item : trimmed.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      int equals = item.indexOf('=');
      if (equals <= 0 || equals == item.length() - 1 || item.indexOf('=', equals + 1) >= 0) {
        throw bad(name, "comma-separated child=parent pairs (or a JSON object for paths holding ',' or '=')", item.trim());
      }
      pairs.put(item.substring(0, equals).trim(), item.substring(equals + 1).trim());
    }
    return pairs;
  }

  private static IllegalArgumentException bad(String name, String expected, String found) {
    return new IllegalArgumentException("vhd option '" + name + "': expected " + expected + ", found '" + found + "'");
  }

  /** Just enough JSON for arrays and objects of strings. */
  private static final class Json {
    private final String text;
    private int at;

    Json(String text) {
      this.text = text;
    }

    List<String> stringArray() {
      List<String> items = new ArrayList<>();
      expect('[');
      if (!peek(']')) {
        do {
          items.add(string());
        } while (next(','));
      }
      expect(']');
      end();
      return items;
    }

    Map<String, String> stringObject() {
      Map<String, String> items = new LinkedHashMap<>();
      expect('{');
      if (!peek('}')) {
        do {
          String key = string();
          expect(':');
          items.put(key, string());
        } while (next(','));
      }
      expect('}');
      end();
      return items;
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (at >= text.length()) {
          break;
        }
        char escaped = text.charAt(at++);
        switch (escaped) {
          case '"', '\\', '/' -> out.append(escaped);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw new IllegalArgumentException("short \\u escape at " + at);
            }
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> throw new IllegalArgumentException("bad escape \\" + escaped + " at " + at);
        }
      }
      throw new IllegalArgumentException("unterminated string");
    }

    private void skipSpace() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    private boolean peek(char c) {
      skipSpace();
      return at < text.length() && text.charAt(at) == c;
    }

    private boolean next(char c) {
      if (peek(c)) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!next(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at " + at);
      }
    }

    private void end() {
      skipSpace();
      if (at != text.length()) {
        throw new IllegalArgumentException("unexpected text at " + at);
      }
    }
  }
}
