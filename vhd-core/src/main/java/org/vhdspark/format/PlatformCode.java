package org.vhdspark.format;

/** Platform codes of parent locator entries. */
public enum PlatformCode {
  NONE(0),
  /** Relative Windows path, UTF-16LE. */
  W2RU(0x57327275),
  /** Absolute Windows path, UTF-16LE (blktap writes a relative one here too). */
  W2KU(0x57326B75),
  /** UTF-8 file:// URL. */
  MACX(0x4D616358),
  /** Deprecated: relative Windows path in the system code page. */
  WI2R(0x57693272),
  /** Deprecated: absolute Windows path in the system code page. */
  WI2K(0x5769326B),
  /** Deprecated: Mac OS alias blob. */
  MAC(0x4D616320);

  private final int code;

  PlatformCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The code's four characters as written in the file, e.g. "W2ru". */
  public String label() {
    return this == NONE ? "" : VhdFormat.fourCc(code).trim();
  }

  static PlatformCode ofCode(int code) {
    for (PlatformCode platform : values()) {
      if (platform.code == code) {
        return platform;
      }
    }
    return null;
  }
}
