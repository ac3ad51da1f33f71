package org.vhdspark.format;

/** The footer's disk type. */
public enum DiskType {
  FIXED(2), DYNAMIC(3), DIFFERENCING(4);

  private final int code;

  DiskType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public boolean isSparse() {
    return this != FIXED;
  }

  static DiskType ofCode(int code) {
    for (DiskType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    return null;
  }

  /** As it appears in JSON and messages: fixed, dynamic, differencing. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
