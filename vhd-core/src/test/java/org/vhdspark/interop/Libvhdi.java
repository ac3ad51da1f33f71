package org.vhdspark.interop;

import static org.vhdspark.interop.ExternalTools.runOk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vhdspark.interop.ExternalTools.Tool;

/**
 * libvhdi (libyal), an independent reader: through pyvhdi (the script {@code vhdi_read.py}, fed to
 * {@code /usr/bin/python3} on stdin) and through {@code vhdiinfo}. libvhdi finds a parent only by the
 * base name of the parent unicode name, in the child's folder; the script does the same.
 *
 * <p>{@link #read(Path, Path)} is public for the tests of other modules: the script is a resource of
 * this class, so it comes with vhd-core's test-jar.
 */
public final class Libvhdi {
  private static final byte[] SCRIPT = script();
  private static final Pattern INFO_LINE = Pattern.compile("^\\s*([A-Za-z][A-Za-z ]*?)\\s*:\\s*(.*?)\\s*$", Pattern.MULTILINE);
  private static final Pattern BYTES = Pattern.compile("\\((\\d+) bytes\\)");

  private Libvhdi() {}

  /** What pyvhdi read: the media size, the sha256 of the whole disk, and the files of the chain, top first. */
  public record Reading(long mediaSize, String sha256, List<Path> layers) {}

  static Reading read(Path image) {
    return read(image, null);
  }

  /**
   * Reads the whole disk of {@code image}, resolving its parents; with {@code rawOut}, writes it there too.
   * Skips (or in CI fails) the test without pyvhdi.
   */
  public static Reading read(Path image, Path rawOut) {
    ExternalTools.require(Tool.PYVHDI);
    List<String> command = new ArrayList<>(List.of(ExternalTools.PYTHON, "-", image.toString()));
    if (rawOut != null) {
      command.add(rawOut.toString());
    }
    ExternalTools.Result result = runOk(command, SCRIPT);
    long mediaSize = -1;
    String sha256 = null;
    List<Path> layers = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      String[] parts = line.split(" ", 2);
      switch (parts[0]) {
        case "media_size" -> mediaSize = Long.parseLong(parts[1].strip());
        case "sha256" -> sha256 = parts[1].strip();
        case "layer" -> layers.add(Path.of(parts[1].strip()));
        default -> { }
      }
    }
    if (mediaSize < 0 || sha256 == null || layers.isEmpty()) {
      throw new AssertionError("unexpected output of vhdi_read.py\n" + result.describe());
    }
    return new Reading(mediaSize, sha256, List.copyOf(layers));
  }

  /** {@code vhdiinfo}'s "Name : value" lines, by name. */
  static Map<String, String> info(Path image) {
    ExternalTools.require(Tool.VHDIINFO);
    ExternalTools.Result result = runOk(List.of("vhdiinfo", image.toString()));
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = INFO_LINE.matcher(result.stdout());
    while (matcher.find()) {
      fields.put(matcher.group(1), matcher.group(2));
    }
    if (!fields.containsKey("Media size")) {
      throw new AssertionError("no media size in vhdiinfo output\n" + result.describe());
    }
    return fields;
  }

  /** The exact byte count of a vhdiinfo size such as "8.0 MiB (8388608 bytes)". */
  static long bytes(String size) {
    Matcher matcher = BYTES.matcher(size);
    if (!matcher.find()) {
      throw new AssertionError("no \"(N bytes)\" in vhdiinfo size \"" + size + "\"");
    }
    return Long.parseLong(matcher.group(1));
  }

  private static byte[] script() {
    try (InputStream in = Libvhdi.class.getResourceAsStream("vhdi_read.py")) {
      if (in == null) {
        throw new IllegalStateException("test resource org/vhdspark/interop/vhdi_read.py missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
