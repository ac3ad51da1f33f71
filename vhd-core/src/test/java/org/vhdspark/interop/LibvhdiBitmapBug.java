package org.vhdspark.interop;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import org.vhdspark.format.Bits;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VirtualDisk;

/**
 * Where libvhdi 20210425 misreads a chain. It tests bitmap bit {@code s} as {@code byte >> (7 - s)}
 * without masking, so a sector counts as present in a layer when it or any earlier sector of its
 * bitmap byte is. Where that puts the sector in a differencing layer that does not hold it, libvhdi
 * reads that layer's file (zeros in every image we write) instead of the layer below.
 *
 * <p>Public for the tests of other modules (vhd-core's test-jar), which check images they wrote.
 */
public final class LibvhdiBitmapBug {
  private static final int CHUNK = 64 * 1024;

  private LibvhdiBitmapBug() {}

  /**
   * The sectors of {@code disk} libvhdi reads wrongly, from the layers' bitmaps: {@code disk} must be
   * the resolved chain (all layers) of the image libvhdi reads.
   */
  public static BitSet misreadSectors(VirtualDisk disk) throws IOException {
    List<VhdImage> layers = disk.chain().layers().stream().map(VhdChain.Layer::image).toList();
    long[][] presence = new long[layers.size()][Bits.words(CHUNK)];
    BitSet misread = new BitSet();
    for (long first = 0; first < disk.sectorCount(); first += CHUNK) {
      int count = (int) Math.min(CHUNK, disk.sectorCount() - first);
      for (int k = 0; k < layers.size(); k++) {
        layers.get(k).presence(first, count, presence[k], 0);
      }
      for (int s = 0; s < count; s++) {
        int libvhdiOwner = -1;
        for (int k = 0; k < layers.size() && libvhdiOwner < 0; k++) {
          libvhdiOwner = setFromByteStart(presence[k], s) ? k : -1;
        }
        if (libvhdiOwner >= 0 && layers.get(libvhdiOwner).isDifferencing() && !Bits.get(presence[libvhdiOwner], s)) {
          misread.set(Math.toIntExact(first + s));
        }
      }
    }
    return misread;
  }

  /** Whether bit {@code s} or an earlier bit of its bitmap byte is set ({@code CHUNK} keeps bytes aligned). */
  private static boolean setFromByteStart(long[] bits, int s) {
    for (int t = s & ~7; t <= s; t++) {
      if (Bits.get(bits, t)) {
        return true;
      }
    }
    return false;
  }
}
