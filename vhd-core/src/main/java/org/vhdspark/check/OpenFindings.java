package org.vhdspark.check;

import java.util.List;
import java.util.regex.Pattern;
import org.vhdspark.Finding;

/**
 * The warnings the reader noticed while opening, minus those the checker's own rules re-derive with
 * their vhd-util severity (a bad checksum, reserved bytes, a broken locator, an ignored batmap, BAT padding, ...).
 * Matched on the reader's wording: if it changes, the worst outcome is a warning shown twice.
 */
final class OpenFindings {
  private static final List<Pattern> RECHECKED = List.of(
      Pattern.compile("\\(ignored: checksum verification is off\\)$"),
      Pattern.compile("^footer (format version|features|timestamp) "),
      Pattern.compile("^footer at the end is unusable"),
      Pattern.compile("^dynamic header (data offset|reserved bytes)"),
      Pattern.compile("^dynamic \\(not differencing\\) image has parent fields"),
      Pattern.compile("^parent locator \\d+ (reserved field|has deprecated platform code)"),
      Pattern.compile("^unusable parent locator"),
      Pattern.compile("^blktap image without room for its batmap"),
      Pattern.compile("^batmap ignored"),
      Pattern.compile("^BAT padding entry "));

  private OpenFindings() {}

  static List<Finding> notRechecked(List<Finding> findings) {
    return findings.stream().filter(f -> RECHECKED.stream().noneMatch(p -> p.matcher(f.message()).find())).toList();
  }
}
