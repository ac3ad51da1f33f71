package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vhdspark.format.Bat;
import org.vhdspark.format.Batmap;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.ParentLocator;
import org.vhdspark.format.ParseContext;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.image.VhdImage;
import org.vhdspark.io.ReadSource;

/**
 * Where the structures of a dynamic or differencing image end: the footer copy, the header, the whole
 * BAT (every entry, those past the disk too), a blktap batmap, every locator's data space and every
 * block. Nothing between that point and the end footer is anything a reader looks at, so new blocks
 * may go there and repair may cut it. Counts generously: a structure it cannot rule out counts.
 */
final class EndOfData {
  private static final int ENTRIES_PER_READ = 16 * 1024;

  private EndOfData() {}

  /** The first sector-aligned offset past every structure of {@code image}. */
  static long of(VhdImage image) throws IOException {
    ReadSource source = image.source();
    long fileSize = source.size();
    DynamicHeader header = image.header().orElseThrow();
    long end = Math.max(VhdFormat.FOOTER_SIZE, image.footer().dataOffset() + VhdFormat.HEADER_SIZE);
    end = Math.max(end, header.tableOffset() + Bat.sizeOnDisk(VhdFormat.toUnsigned(header.maxTableEntries())));
    end = Math.max(end, blocksEnd(image, header, fileSize));
    end = Math.max(end, batmapEnd(image, header, fileSize));
    for (ParentLocator locator : header.locators()) {
      if (!locator.isEmpty() && locator.dataOffset() > 0 && locator.dataOffset() < fileSize) {
        end = Math.max(end, Math.min(fileSize, locator.dataOffset() + locator.dataSpaceBytes()));
      }
    }
    return VhdFormat.roundUpToSector(end);
  }

  /**
   * The end of the last block any BAT entry points at. Opening checked the entries the disk uses;
   * the others (past the disk's size) are counted when their block lies inside the file.
   */
  private static long blocksEnd(VhdImage image, DynamicHeader header, long fileSize) throws IOException {
    long blockBytes = VhdFormat.bitmapBytes(header.blockSize()) + (long) header.blockSize();
    long entries = VhdFormat.toUnsigned(header.maxTableEntries());
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(entries, ENTRIES_PER_READ) * 4);
    long end = 0;
    for (long first = 0; first < entries; first += ENTRIES_PER_READ) {
      int count = (int) Math.min(ENTRIES_PER_READ, entries - first);
      chunk.clear().limit(count * 4);
      image.source().readFully(header.tableOffset() + first * 4, chunk);
      for (int i = 0; i < count; i++) {
        int entry = chunk.getInt(i * 4);
        long blockEnd = (VhdFormat.toUnsigned(entry) << VhdFormat.SECTOR_SHIFT) + blockBytes;
        if (entry != VhdFormat.UNALLOCATED && blockEnd <= fileSize) {
          end = Math.max(end, blockEnd);
        }
      }
    }
    return end;
  }

  /**
   * The end of a blktap batmap: its header, and its map wherever the header places it. A header that
   * does not parse (checksums aside) vouches for nothing past its own sector.
   */
  private static long batmapEnd(VhdImage image, DynamicHeader header, long fileSize) throws IOException {
    long offset = Batmap.headerOffset(header);
    if (!Batmap.mayBeIn(image.footer()) || offset > fileSize - Batmap.HEADER_SIZE) {
      return 0;
    }
    ByteBuffer bytes = ByteBuffer.allocate(Batmap.HEADER_SIZE);
    image.source().readFully(offset, bytes);
    if (!bytes.slice(0, Batmap.COOKIE.length).equals(ByteBuffer.wrap(Batmap.COOKIE))) {
      return 0;
    }
    long end = offset + Batmap.HEADER_SIZE;
    try {
      Batmap.Header parsed = Batmap.parseHeader(bytes.clear(), offset, image.blockCount(), header.maxTableEntries(), fileSize,
          new ParseContext(image.name(), false));
      end = Math.max(end, parsed.mapOffset() + (long) parsed.mapSectors() * VhdFormat.SECTOR_SIZE);
    } catch (VhdFormatException unparsed) {
      // Its map offset and size are not to be trusted: only the header's own sector counts.
    }
    return end;
  }
}
