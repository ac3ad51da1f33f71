package org.vhdspark.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.vhdspark.Finding;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/** One run of a command: its arguments, where output and messages go, and how images are opened. */
final class Invocation {
  private final CommandLine line;
  private final InputStream in;
  private final StandardOutput out;
  private final PrintStream err;
  private Writer text;

  Invocation(CommandLine line, InputStream in, OutputStream out, PrintStream err) {
    this.line = line;
    this.in = in;
    this.out = new StandardOutput(out);
    this.err = err;
  }

  ImageStore store() {
    return LocalImageStore.INSTANCE;
  }

  boolean has(Option option) {
    return line.has(option);
  }

  CommandLine line() {
    return line;
  }

  /** The one IMAGE operand of the commands that read an image. */
  Location image() throws UsageException {
    return operands("IMAGE").get(0);
  }

  /**
   * The operands, exactly as many as {@code names} (e.g. "PARENT", "CHILD"), as locations; usage
   * errors name what is missing or extra.
   */
  List<Location> operands(String... names) throws UsageException {
    List<String> given = line.operands();
    String command = line.command();
    if (given.size() < names.length) {
      throw new UsageException(command + " needs " + (names.length == 1 ? article(names[0]) + " " + names[0] : String.join(" and ", names)));
    }
    if (given.size() > names.length) {
      throw new UsageException(command + " takes " + (names.length == 1 ? "one " + names[0] : String.join(" and ", names))
          + "; unexpected argument '" + given.get(names.length) + "'");
    }
    List<Location> locations = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      locations.add(location(given.get(i), names[i]));
    }
    return locations;
  }

  /** The new image of {@code -o FILE}, which these commands require; standard output is no place for an image. */
  Location outputImage() throws UsageException {
    String file = line.value(Option.OUTPUT)
        .orElseThrow(() -> new UsageException(line.command() + " needs -o FILE, the new image to write"));
    if (file.equals("-")) {
      throw new UsageException(line.command() + " writes an image file: -o needs a FILE, not '-'");
    }
    return location(file, "-o FILE");
  }

  /** The value of {@code --type}: {@code dynamic} or {@code fixed}, else {@code otherwise}. */
  DiskType diskType(DiskType otherwise) throws UsageException {
    if (!line.has(Option.TYPE)) {
      return otherwise;
    }
    String type = line.value(Option.TYPE).orElseThrow();
    return switch (type) {
      case "dynamic" -> DiskType.DYNAMIC;
      case "fixed" -> DiskType.FIXED;
      default -> throw new UsageException("--type must be dynamic or fixed, got '" + type + "'");
    };
  }

  /**
   * Fails, before anything is written, unless a new image can be made at {@code target}: nothing is
   * there (not even a dangling link) and its folder exists. Images are never overwritten.
   */
  void refuseExisting(Location target) throws IOException {
    Path path = target.toPath();
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    Path folder = path.getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      throw new NoSuchFileException(folder.toString());
    }
  }

  /** Writes one compact JSON object and a newline to standard output. */
  void printLine(JsonWriter json) throws IOException {
    Writer writer = text();
    writer.write(json.toString());
    writer.write('\n');
    writer.flush();
  }

  /** Standard input, for bytes. */
  InputStream stdin() {
    return in;
  }

  /** The options that say how images and chains are opened. */
  VhdOptions options() throws UsageException {
    VhdOptions options = VhdOptions.defaults();
    if (line.has(Option.NO_VERIFY_CHECKSUMS)) {
      options = options.withoutChecksumVerification();
    }
    if (line.has(Option.NO_VERIFY_PARENT_UUID)) {
      options = options.withoutParentUuidVerification();
    }
    if (line.has(Option.SIZE_FROM_CHS)) {
      options = options.withSizeFromChs();
    }
    for (String pair : line.values(Option.PARENT)) {
      int equals = pair.indexOf('=');
      if (equals <= 0 || equals == pair.length() - 1) {
        throw new UsageException("--parent needs CHILD=PARENT, got '" + pair + "'");
      }
      options = options.withParent(location(pair.substring(0, equals), "CHILD"), location(pair.substring(equals + 1), "PARENT"));
    }
    for (String folder : line.values(Option.ALLOW_PARENT_DIR)) {
      options = options.withAllowedFolder(location(folder, "DIR"));
    }
    return options;
  }

  /** The disk to read: the resolved chain, or with --delta the image's own sectors (no parent needed). */
  VirtualDisk openDisk() throws IOException, UsageException {
    boolean delta = line.has(Option.DELTA);
    VhdChain chain = delta
        ? VhdChain.openImageOnly(store(), image(), options())
        : VhdChain.open(store(), image(), options());
    warn(chain.findings());
    try {
      return delta ? VirtualDisk.delta(chain) : VirtualDisk.resolved(chain);
    } catch (IOException | RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  /** Reports warnings noticed while opening, one line each. */
  void warn(Collection<Finding> findings) {
    findings.forEach(finding -> warn(finding.source() + ": " + finding.message()));
  }

  void warn(String message) {
    err.println("vhd: warning: " + VhdCli.oneLine(message));
  }

  /** Standard output for text, UTF-8 and buffered: flush it when done. */
  Writer text() {
    if (text == null) {
      text = new BufferedWriter(new OutputStreamWriter(out.stream(), StandardCharsets.UTF_8), 1 << 16);
    }
    return text;
  }

  /** Standard output for bytes. */
  WritableByteChannel binary() {
    return out.channel();
  }

  private static String article(String name) {
    return "AEIOU".indexOf(name.toUpperCase(Locale.ROOT).charAt(0)) >= 0 ? "an" : "a";
  }

  static Location location(String path, String what) throws UsageException {
    try {
      return Location.of(Path.of(path));
    } catch (InvalidPathException e) {
      throw new UsageException(what + " is not a valid path: " + path);
    }
  }
}
