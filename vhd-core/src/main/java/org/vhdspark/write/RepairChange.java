package org.vhdspark.write;

/**
 * One change {@link ChainOperations#repair} made to an image, or would make in a dry run: what,
 * where (a byte offset in the file) and why, in words.
 */
public record RepairChange(Kind kind, long offset, String detail) {
  /** What was changed. */
  public enum Kind {
    /** The footer at the end of the file, written from the copy at offset 0; {@code offset} is where. */
    END_FOOTER("endFooter"),
    /** The copy at offset 0, written from the footer at the end. */
    FOOTER_COPY("footerCopy"),
    /** Bytes after the last block cut off, the footer moved back over them; {@code offset} is the new end of the file. */
    TAIL("tail"),
    /** blktap's batmap: marks of blocks that are not full cleared, the checksum rewritten; {@code offset} is its header. */
    BATMAP("batmap");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name in the command line's JSON. */
    public String label() {
      return label;
    }
  }
}
