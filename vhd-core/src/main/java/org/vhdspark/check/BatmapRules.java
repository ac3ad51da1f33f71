package org.vhdspark.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.vhdspark.format.Bat;
import org.vhdspark.format.Batmap;
import org.vhdspark.format.Footer;
import org.vhdspark.format.ParseContext;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;

/**
 * blktap's batmap: valid where blktap requires one (creator "tap" 1.2 and later, or 1.1 with a
 * batmap header), marking no unallocated block full, and true: every block it marks full has every
 * bitmap bit set, or readers that trust it and readers that read the bitmaps see different disks.
 */
final class BatmapRules implements ImageRule {
  @Override
  public void check(CheckedImage image) throws IOException {
    Footer footer = image.image().footer();
    if (!image.image().type().isSparse() || !Batmap.mayBeIn(footer)) {
      return;
    }
    boolean required = Batmap.isRequiredIn(footer);
    Bat bat = image.image().bat().orElseThrow();
    long offset = Batmap.headerOffset(image.header());
    if (offset > image.dataEnd() - Batmap.HEADER_SIZE) {
      if (required) {
        image.error(String.format(Locale.ROOT, "a blktap %s image needs a batmap header at offset %,d, after the BAT, "
            + "but the data ends at offset %,d", footer.creatorVersionText(), offset, image.dataEnd()));
      }
      return;
    }
    ByteBuffer headerBytes = image.read(offset, Batmap.HEADER_SIZE);
    if (!required && !headerBytes.slice(0, Batmap.COOKIE.length).equals(ByteBuffer.wrap(Batmap.COOKIE))) {
      return;
    }
    Batmap batmap = image.image().batmap().orElse(null);
    if (batmap == null) {
      batmap = parse(image, headerBytes, offset, bat);
      if (batmap == null) {
        return;
      }
    }
    checkFullBlocks(image, batmap, bat);
  }

  /** Why the reader ignored the batmap, as an error; null when it turns out valid after all. */
  private static Batmap parse(CheckedImage image, ByteBuffer headerBytes, long offset, Bat bat) throws IOException {
    ParseContext ctx = new ParseContext(image.name(), true);
    try {
      // The map size is bounded by the BAT's entries, and the BAT by the file: reading it is safe.
      Batmap.Header header = Batmap.parseHeader(headerBytes, offset, bat.size(), image.header().maxTableEntries(),
          image.dataEnd(), ctx);
      byte[] map = readFully(image, header.mapOffset(), header.mapSectors() * VhdFormat.SECTOR_SIZE);
      Batmap batmap = Batmap.of(header, map, ctx);
      for (int block = 0; block < bat.size(); block++) {
        if (batmap.isFull(block) && !bat.isAllocated(block)) {
          image.error("the batmap marks block " + block + " full, but the BAT leaves it unallocated; readers ignore the batmap");
          return null;
        }
      }
      return batmap;
    } catch (VhdFormatException e) {
      image.error(e.detail() + "; readers ignore the batmap, vhd-util check refuses the image");
      return null;
    }
  }

  private static void checkFullBlocks(CheckedImage image, Batmap batmap, Bat bat) throws IOException {
    int sectorsPerBlock = image.image().sectorsPerBlock();
    ByteBuffer bitmap = ByteBuffer.allocate(VhdFormat.bitmapBytes(image.image().blockSize()));
    int partial = 0;
    int first = -1;
    for (int block = 0; block < bat.size(); block++) {
      if (!batmap.isFull(block) || !bat.isAllocated(block)) {
        continue;
      }
      bitmap.clear();
      image.image().source().readFully(bat.bitmapOffset(block), bitmap);
      int sectors = (int) Math.min(sectorsPerBlock, image.image().sectorCount() - (long) block * sectorsPerBlock);
      if (!allSet(bitmap.array(), sectors)) {
        partial++;
        first = first < 0 ? block : first;
      }
    }
    if (partial > 0) {
      image.error(String.format(Locale.ROOT, "the batmap marks %,d block(s) full whose bitmaps lack sectors (first: block %,d): "
          + "blktap and this library read those sectors from the image, QEMU and libvhdi from its parent or as zeros",
          partial, first));
    }
  }

  private static boolean allSet(byte[] bitmap, int bits) {
    for (int i = 0; i < bits >>> 3; i++) {
      if (bitmap[i] != (byte) 0xFF) {
        return false;
      }
    }
    int rest = bits & 7;
    int mask = (0xFF00 >>> rest) & 0xFF;
    return rest == 0 || (bitmap[bits >>> 3] & mask) == mask;
  }

  private static byte[] readFully(CheckedImage image, long offset, int length) throws IOException {
    byte[] bytes = new byte[length];
    image.image().source().readFully(offset, ByteBuffer.wrap(bytes));
    return bytes;
  }
}
