package org.vhdspark.cli;

import java.io.IOException;
import java.util.Set;

/** One {@code vhd} command. */
interface Command {
  String name();

  /** The options this command accepts beyond the common ones. */
  default Set<Option> options() {
    return Set.of();
  }

  /**
   * Whether the command opens existing images, so that the common options about opening them
   * ({@code --parent}, {@code --no-verify-checksums}, ...) apply.
   */
  default boolean opensImages() {
    return true;
  }

  /** Runs the command; returns the exit status. */
  int run(Invocation invocation) throws IOException, UsageException;
}
