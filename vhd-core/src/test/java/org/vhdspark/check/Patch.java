package org.vhdspark.check;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.vhdspark.format.Checksum;

/** Damage hooks for {@code ImageBuilder.damage}: change a structure, then make its checksum right again. */
final class Patch {
  static final int HEADER = 512;

  private Patch() {}

  /** Changes the footer at the end and its copy at offset 0 alike. */
  static UnaryOperator<byte[]> footers(Consumer<ByteBuffer> change) {
    return image -> {
      change(image, image.length - 512, 512, 64, change);
      change(image, 0, 512, 64, change);
      return image;
    };
  }

  /** Changes only the footer at the end. */
  static UnaryOperator<byte[]> endFooter(Consumer<ByteBuffer> change) {
    return image -> {
      change(image, image.length - 512, 512, 64, change);
      return image;
    };
  }

  /** Changes the dynamic header at offset 512. */
  static UnaryOperator<byte[]> header(Consumer<ByteBuffer> change) {
    return image -> {
      change(image, HEADER, 1024, 36, change);
      return image;
    };
  }

  /** Changes raw bytes, checksums left as they fall. */
  static UnaryOperator<byte[]> raw(Consumer<ByteBuffer> change) {
    return image -> {
      change.accept(ByteBuffer.wrap(image));
      return image;
    };
  }

  private static void change(byte[] image, int offset, int length, int checksumField, Consumer<ByteBuffer> change) {
    ByteBuffer structure = ByteBuffer.wrap(image, offset, length).slice();
    change.accept(structure);
    structure.putInt(checksumField, Checksum.compute(structure, 0, length, checksumField));
  }
}
