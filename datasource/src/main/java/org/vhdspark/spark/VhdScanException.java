package org.vhdspark.spark;

/**
 * A read cannot go on: a path cannot be listed, an image cannot be read, or an option does not fit
 * an image. The message names the path or image and, where one helps, the option that changes the
 * outcome. Unchecked because
 * Spark's planning interfaces do not allow checked exceptions.
 */
public final class VhdScanException extends RuntimeException {
  public VhdScanException(String message, Throwable cause) {
    super(message, cause);
  }

  public VhdScanException(String message) {
    super(message);
  }
}
