package org.vhdspark.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;

/** The side under test: vhd-core's resolved view, read whole (the interop images are a few MiB). */
final class OurReader {
  private OurReader() {}

  static VirtualDisk resolved(Path image, VhdOptions options) throws IOException {
    return VirtualDisk.resolved(VhdChain.open(LocalImageStore.INSTANCE, Location.of(image), options));
  }

  static byte[] readAll(Path image, VhdOptions options) throws IOException {
    try (VirtualDisk disk = resolved(image, options)) {
      return readAll(disk);
    }
  }

  /** The whole disk, read in unaligned pieces so that reads start and end mid-sector and mid-block. */
  static byte[] readAll(VirtualDisk disk) throws IOException {
    byte[] bytes = new byte[Math.toIntExact(disk.size())];
    int piece = 777_777;
    for (int offset = 0; offset < bytes.length; offset += piece) {
      disk.read(offset, ByteBuffer.wrap(bytes, offset, Math.min(piece, bytes.length - offset)));
    }
    return bytes;
  }

  /** The image alone, without its parents. */
  static VhdChain imageOnly(Path image, VhdOptions options) throws IOException {
    return VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(image), options);
  }
}
