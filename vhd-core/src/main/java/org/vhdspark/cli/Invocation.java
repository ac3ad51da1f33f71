package org.vhdspark.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import org.vhdspark.Finding;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/** One run of a command: its arguments, where output and messages go, and how images are opened. */
final class Invocation {
  private final CommandLine line;
  private final StandardOutput out;
  private final PrintStream err;
  private Writer text;

  Invocation(CommandLine line, OutputStream out, PrintStream err) {
    this.line = line;
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

  /** The one IMAGE operand every command takes. */
  Location image() throws UsageException {
    if (line.operands().isEmpty()) {
      throw new UsageException(line.command() + " needs an IMAGE");
    }
    if (line.operands().size() > 1) {
      throw new UsageException(line.command() + " takes one IMAGE; unexpected argument '" + line.operands().get(1) + "'");
    }
    return location(line.operands().get(0), "IMAGE");
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

  private static Location location(String path, String what) throws UsageException {
    try {
      return Location.of(Path.of(path));
    } catch (InvalidPathException e) {
      throw new UsageException(what + " is not a valid path: " + path);
    }
  }
}
