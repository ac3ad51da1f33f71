package org.vhdspark.interop;

import static org.vhdspark.interop.ExternalTools.runOk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vhdspark.interop.ExternalTools.Tool;

/**
 * Images made by QEMU's {@code vpc} driver: {@code qemu-img create}, data written by {@code qemu-io},
 * and {@code qemu-img convert -O raw} as the oracle. Always passes {@code -f vpc}: a fixed VHD has no
 * signature at offset 0, so QEMU's format probing would take it for a raw file, footer included.
 */
final class Qemu {
  private static final long MIB = 1 << 20;
  private static final Pattern VIRTUAL_SIZE = Pattern.compile("\"virtual-size\":\\s*(\\d+)");

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

  /** The virtual size QEMU gives the image (which may differ from the footer's current size). */
  static long virtualSize(Path image) {
    String json = runOk(List.of("qemu-img", "info", "-f", "vpc", "--output=json", image.toString())).stdout();
    Matcher matcher = VIRTUAL_SIZE.matcher(json);
    if (!matcher.find()) {
      throw new AssertionError("no virtual-size in qemu-img info output:\n" + json);
    }
    return Long.parseLong(matcher.group(1));
  }

  /** The image's virtual disk as QEMU reads it, written to {@code raw}. */
  static Path convertToRaw(Path image, Path raw) {
    runOk(List.of("qemu-img", "convert", "-f", "vpc", "-O", "raw", image.toString(), raw.toString()));
    return raw;
  }
}
