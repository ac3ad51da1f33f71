package org.vhdspark.cli;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Just enough JSON for the command line: objects, arrays, strings, integers, booleans and null,
 * written compact (for JSON lines) or indented by two spaces.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder();
  private final boolean indented;
  /** Per open container: whether nothing has been written in it yet. */
  private final Deque<Boolean> empty = new ArrayDeque<>();
  private boolean afterName;

  private JsonWriter(boolean indented) {
    this.indented = indented;
  }

  static JsonWriter compact() {
    return new JsonWriter(false);
  }

  static JsonWriter indented() {
    return new JsonWriter(true);
  }

  JsonWriter beginObject() {
    return open('{');
  }

  JsonWriter endObject() {
    return close('}');
  }

  JsonWriter beginArray() {
    return open('[');
  }

  JsonWriter endArray() {
    return close(']');
  }

  JsonWriter name(String name) {
    beforeElement();
    quote(name);
    out.append(indented ? ": " : ":");
    afterName = true;
    return this;
  }

  JsonWriter value(String value) {
    beforeValue();
    if (value == null) {
      out.append("null");
    } else {
      quote(value);
    }
    return this;
  }

  JsonWriter value(long value) {
    beforeValue();
    out.append(value);
    return this;
  }

  /** A number, or null. */
  JsonWriter value(Long value) {
    return value == null ? nullValue() : value(value.longValue());
  }

  JsonWriter value(boolean value) {
    beforeValue();
    out.append(value);
    return this;
  }

  JsonWriter nullValue() {
    beforeValue();
    out.append("null");
    return this;
  }

  JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  JsonWriter field(String name, long value) {
    return name(name).value(value);
  }

  JsonWriter field(String name, Long value) {
    return name(name).value(value);
  }

  JsonWriter field(String name, boolean value) {
    return name(name).value(value);
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private JsonWriter open(char bracket) {
    beforeValue();
    out.append(bracket);
    empty.push(true);
    return this;
  }

  private JsonWriter close(char bracket) {
    if (!empty.pop()) {
      newline();
    }
    out.append(bracket);
    return this;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
    } else {
      beforeElement();
    }
  }

  private void beforeElement() {
    if (empty.isEmpty()) {
      return;
    }
    if (!empty.pop()) {
      out.append(',');
    }
    empty.push(false);
    newline();
  }

  private void newline() {
    if (indented) {
      out.append('\n').append("  ".repeat(empty.size()));
    }
  }

  private void quote(String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
