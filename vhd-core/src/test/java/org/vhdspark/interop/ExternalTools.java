package org.vhdspark.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.vhdspark.testing.Fixtures;

/**
 * The other VHD implementations the interop tests compare against, and how to run them. A missing
 * tool skips the test on a developer's machine but fails it when the environment variable {@code CI}
 * is set, so CI cannot pass by skipping. Every process runs with a timeout; its stderr is in every
 * failure message.
 *
 * <p>Public, with {@link Tool} and {@link #require}, for the tests of other modules, which get it from
 * vhd-core's test-jar; the rest stays package-private.
 */
public final class ExternalTools {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** python3-libvhdi installs pyvhdi for Debian's own interpreter only, not for a pyenv or venv one. */
  static final String PYTHON = "/usr/bin/python3";

  /** A program the tests run, with the Debian package that provides it. */
  public enum Tool {
    QEMU_IMG("qemu-img", "qemu-utils"),
    QEMU_IO("qemu-io", "qemu-utils"),
    VHDIINFO("vhdiinfo", "libvhdi-utils"),
    PYVHDI("pyvhdi (" + PYTHON + " -c 'import pyvhdi')", "python3-libvhdi");

    private final String label;
    private final String aptPackage;

    Tool(String label, String aptPackage) {
      this.label = label;
      this.aptPackage = aptPackage;
    }
  }

  private static final Map<Tool, String> PROBLEMS = new ConcurrentHashMap<>();

  private ExternalTools() {}

  /**
   * Returns when {@code tool} can be run; otherwise aborts the test (skipped), or fails it when
   * {@code CI} is set. The outcome of a probe is kept for the JVM, so each tool is probed once.
   */
  public static void require(Tool tool) {
    String problem = PROBLEMS.computeIfAbsent(tool, ExternalTools::probe);
    if (problem.isEmpty()) {
      return;
    }
    String message = tool.label + " is not available (" + problem + "); install the Debian package "
        + tool.aptPackage + " (apt-get install " + tool.aptPackage + ")";
    if (Fixtures.isCi()) {
      fail(message + ". CI is set, so interop tests must run rather than skip.");
    }
    Assumptions.abort(message + ". Skipped; set CI=true to make this a failure.");
  }

  /** Empty when the tool works, else why not. */
  private static String probe(Tool tool) {
    if (tool == Tool.PYVHDI) {
      if (!Files.isExecutable(Path.of(PYTHON))) {
        return PYTHON + " not found";
      }
      try {
        Result result = run(List.of(PYTHON, "-c", "import pyvhdi"), null);
        return result.exitCode() == 0 ? "" : "import pyvhdi failed: " + result.stderr().strip();
      } catch (AssertionError e) {
        return e.getMessage();
      }
    }
    return onPath(tool.label) ? "" : "not found on PATH";
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** What a finished process printed and returned. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** The process's output, for assertion messages. */
    String describe() {
      return "command: " + String.join(" ", command) + "\nexit code: " + exitCode
          + "\nstdout:\n" + abbreviate(stdout) + "\nstderr:\n" + abbreviate(stderr);
    }

    private static String abbreviate(String text) {
      return text.length() <= 4000 ? text : text.substring(0, 4000) + "\n... (" + text.length() + " chars)";
    }
  }

  /** Runs {@code command}, which must exit with 0 within {@link #TIMEOUT}. */
  static Result runOk(List<String> command) {
    return runOk(command, null);
  }

  /** Runs {@code command} with {@code stdin} as its input; it must exit with 0 within {@link #TIMEOUT}. */
  static Result runOk(List<String> command, byte[] stdin) {
    Result result = run(command, stdin);
    if (result.exitCode() != 0) {
      throw new AssertionError("external tool failed\n" + result.describe());
    }
    return result;
  }

  /** Runs {@code command}, killing it after {@link #TIMEOUT}; output goes to files, so no pipe can fill. */
  static Result run(List<String> command, byte[] stdin) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("interop-", ".stdout");
      err = Files.createTempFile("interop-", ".stderr");
      Process process = new ProcessBuilder(command)
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      try {
        try (OutputStream in = process.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin);
          }
        } catch (IOException e) {
          // The process exited without reading its input; its exit code and stderr tell why.
        }
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s and killed: " + String.join(" ", command)
              + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
      } finally {
        process.destroyForcibly();
      }
      return new Result(List.copyOf(command), process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover temporary file is harmless.
      }
    }
  }
}
