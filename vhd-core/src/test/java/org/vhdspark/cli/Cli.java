package org.vhdspark.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the command line in-process, capturing what it writes. */
final class Cli {
  private Cli() {}

  /** What a run left: its exit status, standard output and standard error. */
  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    List<String> outLines() {
      return out().lines().toList();
    }

    List<String> errLines() {
      return stderr.lines().toList();
    }

    /** Standard output parsed as one JSON value. */
    Object json() {
      return TestingJson.parse(out());
    }
  }

  /** Runs with an empty standard input. */
  static Result run(String... args) {
    return runWithInput(InputStream.nullInputStream(), args);
  }

  /** Runs with {@code in} as standard input. */
  static Result runWithInput(InputStream in, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VhdCli.run(args, in, out, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
