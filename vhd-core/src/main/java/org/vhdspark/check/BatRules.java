package org.vhdspark.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.vhdspark.format.Bat;
import org.vhdspark.format.Batmap;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.ParentLocator;
import org.vhdspark.format.VhdFormat;

/**
 * The BAT's padding, and where blocks lie. Opening already refuses blocks past the footer, over a
 * structure or over each other; vhd-util check further demands every block after all the metadata,
 * locator data space included.
 */
final class BatRules implements ImageRule {
  @Override
  public void check(CheckedImage image) throws IOException {
    if (!image.image().type().isSparse()) {
      return;
    }
    checkPadding(image);
    checkBlockPositions(image);
  }

  /** QEMU and Windows pad the BAT's last sector with 0xFFFFFFFF, blktap with zeros; anything else is leftover data. */
  private static void checkPadding(CheckedImage image) throws IOException {
    DynamicHeader header = image.header();
    long entries = Integer.toUnsignedLong(header.maxTableEntries());
    long from = header.tableOffset() + entries * 4;
    long to = Math.min(header.tableOffset() + Bat.sizeOnDisk(entries), image.dataEnd());
    if (from >= to) {
      return;
    }
    ByteBuffer padding = image.read(from, (int) (to - from));
    for (int i = 0; i + 4 <= padding.limit(); i += 4) {
      int entry = padding.getInt(i);
      if (entry != 0 && entry != VhdFormat.UNALLOCATED) {
        image.warning(String.format(Locale.ROOT, "BAT padding entry %,d at offset %,d is %s, neither 0xFFFFFFFF (QEMU, Windows) "
            + "nor 0 (blktap): leftover data?", entries + i / 4, from + i, CheckedImage.hex32(entry)));
        return;
      }
    }
  }

  private static void checkBlockPositions(CheckedImage image) throws IOException {
    long metadataEnd = metadataEnd(image);
    Bat bat = image.image().bat().orElseThrow();
    int early = 0;
    int first = -1;
    for (int block = 0; block < bat.size(); block++) {
      if (bat.isAllocated(block) && bat.bitmapOffset(block) < metadataEnd) {
        early++;
        first = first < 0 ? block : first;
      }
    }
    if (early > 0) {
      image.error(String.format(Locale.ROOT, "%,d block(s) start before the end of the metadata at offset %,d (first: block %,d "
          + "at offset %,d); vhd-util check requires every block after the headers, BAT, batmap and parent locator data",
          early, metadataEnd, first, bat.bitmapOffset(first)));
    }
  }

  /** The end of the headers, BAT, batmap and locator data spaces, as blktap's vhd_end_of_headers computes it. */
  private static long metadataEnd(CheckedImage image) throws IOException {
    DynamicHeader header = image.header();
    long end = image.headerOffset() + VhdFormat.HEADER_SIZE;
    end = Math.max(end, header.tableOffset() + Bat.sizeOnDisk(Integer.toUnsignedLong(header.maxTableEntries())));
    var batmap = image.image().batmap();
    if (batmap.isPresent()) {
      end = Math.max(end, batmap.get().headerOffset() + Batmap.HEADER_SIZE);
      end = Math.max(end, batmap.get().mapOffset() + (long) batmap.get().mapSectors() * VhdFormat.SECTOR_SIZE);
    }
    long dataEnd = image.dataEnd();
    for (ParentLocator locator : header.locators()) {
      long locatorEnd = locator.dataOffset() + locator.dataSpaceBytes();
      // Locators reaching past the data are errors of their own; they would only bury every block here.
      if (!locator.isEmpty() && locator.dataOffset() > 0 && locatorEnd <= dataEnd) {
        end = Math.max(end, locatorEnd);
      }
    }
    return end;
  }
}
