package org.vhdspark.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts on the command line: plain bytes, or a whole number with K, M, G or T (binary units: 10G is 10 GiB). */
final class Sizes {
  private static final Pattern SIZE = Pattern.compile("([0-9]+)([KMGT]?)", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /** The value of {@code option} (named in errors) as a number of bytes, 0 or more. */
  static long parse(Option option, String text) throws UsageException {
    Matcher matcher = SIZE.matcher(text);
    if (!matcher.matches()) {
      throw new UsageException(option.longName() + " needs a number of bytes, optionally with K, M, G or T (binary units), got '"
          + text + "'");
    }
    int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      case "T" -> 40;
      default -> 0;
    };
    long number;
    try {
      number = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException e) {
      throw tooLarge(option, text);
    }
    if (number > Long.MAX_VALUE >> shift) {
      throw tooLarge(option, text);
    }
    return number << shift;
  }

  private static UsageException tooLarge(Option option, String text) {
    return new UsageException(option.longName() + " " + text + " is too large");
  }
}
