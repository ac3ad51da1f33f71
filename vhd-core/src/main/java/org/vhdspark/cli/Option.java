package org.vhdspark.cli;

import java.util.Optional;

/** The command line's options. Command-specific ones are accepted only by the commands that declare them. */
enum Option {
  DELTA("--delta", null, false, false),
  OUTPUT("--output", "-o", true, false),
  FORCE("--force", null, false, false),
  SIZE("--size", null, true, false),
  TYPE("--type", null, true, false),
  BLOCK_SIZE("--block-size", null, true, false),
  AZURE("--azure", null, false, false),
  OFFSET("--offset", null, true, false),
  INPUT("--input", "-i", true, false),
  DRY_RUN("--dry-run", null, false, false),
  PARENT("--parent", null, true, true),
  ALLOW_PARENT_DIR("--allow-parent-dir", null, true, true),
  NO_VERIFY_CHECKSUMS("--no-verify-checksums", null, false, true),
  NO_VERIFY_PARENT_UUID("--no-verify-parent-uuid", null, false, true),
  SIZE_FROM_CHS("--size-from-chs", null, false, true),
  DEBUG("--debug", null, false, true),
  HELP("--help", "-h", false, true);

  private final String longName;
  private final String shortName;
  private final boolean takesValue;
  private final boolean common;

  Option(String longName, String shortName, boolean takesValue, boolean common) {
    this.longName = longName;
    this.shortName = shortName;
    this.takesValue = takesValue;
    this.common = common;
  }

  String longName() {
    return longName;
  }

  boolean takesValue() {
    return takesValue;
  }

  /** Whether every command accepts it. */
  boolean isCommon() {
    return common;
  }

  /** A common option that says how existing images are opened: meaningless for a command that opens none. */
  boolean isImageOption() {
    return common && this != DEBUG && this != HELP;
  }

  static Optional<Option> named(String name) {
    for (Option option : values()) {
      if (name.equals(option.longName) || name.equals(option.shortName)) {
        return Optional.of(option);
      }
    }
    return Optional.empty();
  }
}
