package org.vhdspark.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.image.ParentNotFoundException;
import org.vhdspark.io.Location;

/**
 * The {@code vhd} command line: {@code info}, {@code map}, {@code cat} and {@code check} read local
 * images; {@code create}, {@code snapshot}, {@code write}, {@code diff}, {@code commit} and
 * {@code convert} make and change them; {@code repair} puts a damaged image's footers right. Output goes to the given stream; errors to the error stream
 * as one line each, with a stack trace only under {@code --debug}. See docs/cli.md.
 */
public final class VhdCli {
  /** Success; for check, no findings. */
  public static final int EXIT_OK = 0;
  /** check found warnings but no errors. */
  public static final int EXIT_WARNINGS = 1;
  /** An error, a usage error, or check found errors. */
  public static final int EXIT_ERROR = 2;
  /** Standard output's reader went away, as for a process killed by SIGPIPE: nothing is printed. */
  public static final int EXIT_BROKEN_PIPE = 141;

  static final String USAGE_HINT =
      "usage: vhd {info|map|cat|check|create|snapshot|write|diff|commit|convert|repair} ARGS [options]; 'vhd --help' for more";
  static final String USAGE = """
      usage: vhd COMMAND ARGS [options]

      reading:
        info IMAGE                      the image, its parent and its chain, as one JSON object
        map IMAGE [--delta]             which layer holds each run of sectors, as JSON lines
        cat IMAGE [--delta] [-o FILE [--force]]
                                        the virtual disk as raw bytes, to stdout or FILE
        check IMAGE                     structural check of the image and its chain

      writing (new images are written atomically and never replace a file; each prints one JSON line):
        create IMAGE --size SIZE [--type dynamic|fixed] [--block-size SIZE] [--azure]
                                        a new, empty image
        snapshot PARENT CHILD           a new, empty differencing child of PARENT
        write IMAGE --offset OFFSET [-i FILE]
                                        bytes from stdin or FILE written into the disk at OFFSET
        diff A B -o CHILD               a new child of A holding the sectors where B differs: it resolves to B
        commit CHILD                    the child's sectors written into its parent
        convert IMAGE -o OUT [--type dynamic|fixed]
                                        the resolved chain as a new stand-alone image (default dynamic)
        repair IMAGE [--dry-run]        a damaged footer or footer copy, a torn tail and a blktap batmap
                                        put right in place; never a data sector
        help                            this text

      options:
        --delta                     only the sectors the image itself holds; no parent needed (map, cat)
        -o, --output FILE           cat: write to FILE instead of stdout; diff, convert: the new image
        --force                     cat -o: replace an existing FILE (atomically), or write into a device
        --size SIZE                 virtual size: bytes, or a number with K, M, G or T (binary: 10G = 10 GiB),
                                    rounded up to whole sectors (create)
        --type dynamic|fixed        the kind of image to make; default dynamic (create, convert)
        --block-size SIZE           power of two, 512 to 2M; default 2M (create, dynamic only)
        --azure                     round the size up to a whole MiB, as Azure requires (create, fixed only)
        --offset OFFSET             byte of the disk to write at; suffixes as for --size (write)
        -i, --input FILE            read the bytes from FILE instead of stdin (write)
        --dry-run                   print the changes repair would make, writing nothing (repair)
        --parent CHILD=PARENT       use PARENT as the parent of CHILD (repeatable)
        --allow-parent-dir DIR      let the chain reach parents in DIR (repeatable)
        --no-verify-checksums       read images whose checksums are wrong (check: warnings, not errors)
        --no-verify-parent-uuid     accept a parent whose unique id is not the one its child records
        --size-from-chs             take the virtual size from the CHS geometry, as QEMU does
        --debug                     print the stack trace of an error
        -h, --help                  this text

      exit status: 0 success (check: no findings), 1 check found warnings only,
                   2 an error, a usage error, or check found errors, 141 stdout was closed early
      """;

  private static final Map<String, Command> COMMANDS = commands(new InfoCommand(), new MapCommand(), new CatCommand(),
      new CheckCommand(), new CreateCommand(), new SnapshotCommand(), new WriteCommand(), new DiffCommand(),
      new CommitCommand(), new ConvertCommand(), new RepairCommand());

  private VhdCli() {}

  public static void main(String[] args) {
    PrintStream err = System.err;
    int status = run(args, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), err);
    err.flush();
    System.exit(status);
  }

  /**
   * Runs the command line {@code args}, reading input ({@code write}) from standard input, writing
   * its output to {@code out} and messages to {@code err}; returns the exit status. Never throws.
   */
  public static int run(String[] args, OutputStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  /**
   * Runs the command line {@code args}, reading input ({@code write}) from {@code in}, writing its
   * output to {@code out} and messages to {@code err}; returns the exit status. Never throws.
   */
  public static int run(String[] args, InputStream in, OutputStream out, PrintStream err) {
    boolean debug = List.of(args).contains(Option.DEBUG.longName());
    try {
      CommandLine line = CommandLine.parse(args);
      if (line.has(Option.HELP) || "help".equals(line.command())) {
        return help(out);
      }
      return command(line).run(new Invocation(line, in, out, err));
    } catch (UsageException e) {
      err.println("vhd: " + oneLine(e.getMessage()));
      err.println(USAGE_HINT);
      return EXIT_ERROR;
    } catch (StandardOutput.WriteFailure e) {
      // A reader that went away (`vhd map x | head`) is not worth a message.
      if (!e.isBrokenPipe() || debug) {
        err.println("vhd: cannot write the output: " + oneLine(describe(e)));
      }
      if (debug) {
        e.printStackTrace(err);
      }
      return e.isBrokenPipe() ? EXIT_BROKEN_PIPE : EXIT_ERROR;
    } catch (IOException | RuntimeException e) {
      err.println("vhd: " + oneLine(describe(e)));
      if (debug) {
        e.printStackTrace(err);
      }
      return EXIT_ERROR;
    } finally {
      err.flush();
    }
  }

  private static Command command(CommandLine line) throws UsageException {
    if (line.command() == null) {
      throw new UsageException("missing command");
    }
    Command command = COMMANDS.get(line.command());
    if (command == null) {
      throw new UsageException("unknown command '" + line.command() + "'");
    }
    for (Option option : line.options().keySet()) {
      if (!option.isCommon() && !command.options().contains(option) || option.isImageOption() && !command.opensImages()) {
        throw new UsageException("option " + option.longName() + " does not apply to " + command.name());
      }
    }
    return command;
  }

  private static int help(OutputStream out) {
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    print.print(USAGE);
    print.flush();
    return EXIT_OK;
  }

  /**
   * What went wrong, for a one-line message: the exception's own message (which names the image), a
   * hint where an option helps, and the exception type only where the message alone would puzzle.
   */
  static String describe(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof UncheckedIOException && e.getCause() != null) {
      return describe(e.getCause());
    }
    if (e instanceof NoSuchFileException missing) {
      message = missing.getFile() + ": no such file";
    } else if (e instanceof FileAlreadyExistsException exists) {
      message = exists.getFile() + ": " + (exists.getReason() != null ? exists.getReason()
          : "already exists; vhd never overwrites a file with a new image");
    } else if (e instanceof AccessDeniedException denied) {
      message = denied.getFile() + ": permission denied";
    } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
      message = fs.getFile() + ": " + fs.getReason();
    } else if (e instanceof VhdFormatException format && format.field().equals("checksum")) {
      message += " (--no-verify-checksums reads it anyway)";
    } else if (e instanceof ParentNotFoundException) {
      message += " (see --parent, --allow-parent-dir, or --delta for the image's own sectors)";
    } else if (e instanceof RuntimeException) {
      message = "internal error: " + e.getClass().getName() + (message.isEmpty() ? "" : ": " + message)
          + " (--debug prints the stack trace)";
    } else if (message.isEmpty()) {
      message = e.getClass().getSimpleName();
    }
    return message;
  }

  /** The message without the image name it starts with, for output that already names the image. */
  static String withoutImage(String message, Location image) {
    String prefix = image + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** Messages are one line each, whatever an exception's message holds. */
  static String oneLine(String message) {
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  private static Map<String, Command> commands(Command... commands) {
    Map<String, Command> byName = new LinkedHashMap<>();
    for (Command command : commands) {
      byName.put(command.name(), command);
    }
    return byName;
  }

}
