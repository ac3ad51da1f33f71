package org.vhdspark.image;

import java.util.List;
import org.vhdspark.VhdException;

/** No usable parent of a differencing image was found. Names every place looked at, and why each failed. */
public final class ParentNotFoundException extends VhdException {
  private final List<String> tried;

  public ParentNotFoundException(String child, String parent, List<String> tried) {
    super(child + ": parent " + parent + " not found; tried: " + (tried.isEmpty() ? "nothing (no locator, no name)" : String.join("; ", tried)));
    this.tried = List.copyOf(tried);
  }

  /** Each candidate with the reason it was not used. */
  public List<String> tried() {
    return tried;
  }
}
