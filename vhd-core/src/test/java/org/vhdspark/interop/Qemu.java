package org.vhdspark.interop;

import static org.vhdspark.interop.ExternalTools.runOk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vhdspark.interop.ExternalTools.Tool;

/**
 * Images made by QEMU's {@code vpc} driver: {@code qemu-img create}, data written by {@code qemu-io},
 * and {@code qemu-img convert -O raw} as the oracle. Always passes {@code -f vpc}: a fixed VHD has no
 * signature at offset 0, so QEMU's format probing would take it for a raw file, footer included.
 *
 * <p>{@link #info} and {@link #convertToRaw} are public for the tests of other modules (vhd-core's
 * test-jar). They do not probe for {@code qemu-img}: call {@code ExternalTools.require(Tool.QEMU_IMG)}
 * first.
 */
public final class Qemu {
  private static final long MIB = 1 << 20;
  private static final Pattern VIRTUAL_SIZE = Pattern.compile("\"virtual-size\":\\s*(\\d+)");
  private static final Pattern FORMAT = Pattern.compile("\"format\":\\s*\"([^\"]*)\"");
  private static final Pattern MAP_ENTRY = Pattern.compile("\\{[^}]*}");
  private static final Pattern MAP_FIELD = Pattern.compile("\"(\\w+)\":\\s*(\\w+)");

  private Qemu() {}

  /**
   * What to ask {@code qemu-img create} for. Without {@code force_size} QEMU rounds the size up to a
   * whole CHS geometry and writes creator {@code qemu}; with it, it keeps the size (rounded up to a
   * sector) and writes creator {@code qem2} with the maximum geometry 65535/16/255.
   */
  record Spec(String subformat, long requestedSize, boolean forceSize) {
    String fileName() {
      return subformat + "-" + requestedSize + (forceSize ? "-force" : "") + ".vhd";
    }

    @Override
    public String toString() {
      return subformat + " " + requestedSize + " bytes" + (forceSize ? " force_size=on" : "");
    }
  }

  /** Odd sizes: under one block, not a sector multiple, an exact block multiple, a sector past 5 MiB. */
  static Stream<Spec> specs() {
    List<Spec> specs = new ArrayList<>();
    for (String subformat : List.of("dynamic", "fixed")) {
      for (long size : List.of(1 * MIB, 3_000_000L, 4 * MIB, 5 * MIB + 512)) {
        specs.add(new Spec(subformat, size, false));
        specs.add(new Spec(subformat, size, true));
      }
    }
    return specs.stream();
  }

  static void requireTools() {
    ExternalTools.require(Tool.QEMU_IMG);
    ExternalTools.require(Tool.QEMU_IO);
  }

  /** Creates the image of {@code spec} in {@code dir} and writes {@link #writes} into it. */
  static Path imageWithWrites(Spec spec, Path dir) {
    Path image = dir.resolve(spec.fileName());
    String options = "subformat=" + spec.subformat() + (spec.forceSize() ? ",force_size=on" : "");
    runOk(List.of("qemu-img", "create", "-q", "-f", "vpc", "-o", options, image.toString(), Long.toString(spec.requestedSize())));
    List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "vpc"));
    for (String write : writes(virtualSize(image))) {
      command.add("-c");
      command.add(write);
    }
    command.add(image.toString());
    runOk(command);
    return image;
  }

  /**
   * qemu-io commands for a disk of {@code size} bytes: the first and last sectors, a run across the
   * first 2 MiB block boundary ending inside a bitmap byte, an odd sector-aligned run, bytes that are
   * not sector-aligned (QEMU reads, modifies and writes the sectors), a zero sector over earlier data,
   * and a run in the middle, each with its own pattern.
   */
  static List<String> writes(long size) {
    long twoMib = 2 * MIB;
    List<String> writes = new ArrayList<>();
    writes.add(write(0x11, 0, 512));
    writes.add(write(0x44, 64 * 1024 + 3 * 512, 5 * 512));
    writes.add(write(0x55, 1000, 100));
    writes.add(write(0x00, 64 * 1024 + 4 * 512, 512));
    long middle = size / 2 / 512 * 512;
    writes.add(write(0x66, middle, (int) Math.min(96 * 1024, size - 512 - middle)));
    if (size >= twoMib + 8 * 512 + 512) {
      writes.add(write(0x33, twoMib - 3 * 512, 8 * 512));
    }
    writes.add(write(0x22, size - 512, 512));
    return writes;
  }

  private static String write(int pattern, long offset, int length) {
    return String.format("write -P 0x%02x %d %d", pattern, offset, length);
  }

  /** What {@code qemu-img info -f vpc} reports: the format it opened the image as, and the virtual size. */
  public record Info(String format, long virtualSize) {}

  /** {@code qemu-img info -f vpc --output=json} of {@code image}: its format and virtual size. */
  public static Info info(Path image) {
    String json = infoJson(image);
    Matcher format = FORMAT.matcher(json);
    if (!format.find()) {
      throw new AssertionError("no format in qemu-img info output:\n" + json);
    }
    return new Info(format.group(1), virtualSize(json));
  }

  /** The virtual size QEMU gives the image (which may differ from the footer's current size). */
  static long virtualSize(Path image) {
    return virtualSize(infoJson(image));
  }

  private static String infoJson(Path image) {
    return runOk(List.of("qemu-img", "info", "-f", "vpc", "--output=json", image.toString())).stdout();
  }

  private static long virtualSize(String infoJson) {
    Matcher matcher = VIRTUAL_SIZE.matcher(infoJson);
    if (!matcher.find()) {
      throw new AssertionError("no virtual-size in qemu-img info output:\n" + infoJson);
    }
    return Long.parseLong(matcher.group(1));
  }

  /**
   * {@code --image-opts} for {@code image} that make QEMU size the disk by the footer's current size
   * whatever the creator ({@code block/vpc.c}'s runtime option {@code force_size_calc}).
   */
  static String currentSizeImageOpts(Path image) {
    return "driver=vpc,force_size_calc=current_size,file.filename=" + image.toString().replace(",", ",,");
  }

  /** The image's virtual disk as QEMU reads it when told to take the footer's current size. */
  static Path convertToRawAtCurrentSize(Path image, Path raw) {
    runOk(List.of("qemu-img", "convert", "--image-opts", currentSizeImageOpts(image), "-O", "raw", raw.toString()));
    return raw;
  }

  /** {@code qemu-img check}, whatever its exit code (63: the format has no check). */
  static ExternalTools.Result check(Path image) {
    return ExternalTools.run(List.of("qemu-img", "check", "-f", "vpc", image.toString()), null);
  }

  /** One extent of {@code qemu-img map}: where QEMU finds the virtual bytes {@code [start, start + length)}. */
  record Extent(long start, long length, boolean data, boolean zero, long offset) {}

  /** {@code qemu-img map} of the whole disk (sized by the current size): QEMU's view of the BAT. */
  static List<Extent> mapAtCurrentSize(Path image) {
    String json = runOk(List.of("qemu-img", "map", "--output=json", "--image-opts", currentSizeImageOpts(image))).stdout();
    List<Extent> extents = new ArrayList<>();
    Matcher entry = MAP_ENTRY.matcher(json);
    while (entry.find()) {
      Map<String, String> fields = new HashMap<>();
      Matcher field = MAP_FIELD.matcher(entry.group());
      while (field.find()) {
        fields.put(field.group(1), field.group(2));
      }
      if (!fields.containsKey("start") || !fields.containsKey("length") || !fields.containsKey("data")) {
        throw new AssertionError("unexpected qemu-img map entry " + entry.group() + " in:\n" + json);
      }
      extents.add(new Extent(Long.parseLong(fields.get("start")), Long.parseLong(fields.get("length")),
          Boolean.parseBoolean(fields.get("data")), Boolean.parseBoolean(fields.get("zero")),
          Long.parseLong(fields.getOrDefault("offset", "-1"))));
    }
    if (extents.isEmpty()) {
      throw new AssertionError("no extents in qemu-img map output:\n" + json);
    }
    return extents;
  }

  /** The image's virtual disk as QEMU reads it, written to {@code raw}. */
  public static Path convertToRaw(Path image, Path raw) {
    runOk(List.of("qemu-img", "convert", "-f", "vpc", "-O", "raw", image.toString(), raw.toString()));
    return raw;
  }
}
