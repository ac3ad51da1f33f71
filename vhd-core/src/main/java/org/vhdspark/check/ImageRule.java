package org.vhdspark.check;

import java.io.IOException;

/** One group of rules about one image; reports what it finds on the image and returns. */
interface ImageRule {
  void check(CheckedImage image) throws IOException;
}
