package org.vhdspark.cli;

/** The command line itself is wrong: an unknown command or option, a missing or extra argument. */
final class UsageException extends Exception {
  UsageException(String message) {
    super(message);
  }
}
