package org.vhdspark.cli;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.vhdspark.Finding;
import org.vhdspark.Finding.Severity;
import org.vhdspark.check.ImageChecker;
import org.vhdspark.io.Location;

/**
 * {@code vhd check IMAGE}: every finding about the image and its chain, one per line, then a
 * summary. Exits 0 when clean, 1 with warnings only, 2 with errors.
 */
final class CheckCommand implements Command {
  @Override
  public String name() {
    return "check";
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location location = invocation.image();
    List<Finding> findings = new ImageChecker(invocation.store(), invocation.options()).check(location);
    Writer out = invocation.text();
    for (Finding finding : findings) {
      out.write(VhdCli.oneLine(finding.toString()));
      out.write('\n');
    }
    long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
    long warnings = findings.size() - errors;
    out.write(location + ": " + (findings.isEmpty() ? "no problems found"
        : count(errors, "error") + ", " + count(warnings, "warning")) + "\n");
    out.flush();
    return errors > 0 ? VhdCli.EXIT_ERROR : warnings > 0 ? VhdCli.EXIT_WARNINGS : VhdCli.EXIT_OK;
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
