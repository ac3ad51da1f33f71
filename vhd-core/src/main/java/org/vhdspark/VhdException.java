package org.vhdspark;

import java.io.IOException;

/** Base of every problem vhd-core reports about an image or a chain. The message names the image. */
public class VhdException extends IOException {
  public VhdException(String message) {
    super(message);
  }

  public VhdException(String message, Throwable cause) {
    super(message, cause);
  }
}
