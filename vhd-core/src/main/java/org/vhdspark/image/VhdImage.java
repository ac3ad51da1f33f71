package org.vhdspark.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.vhdspark.Finding;
import org.vhdspark.format.Bat;
import org.vhdspark.format.Batmap;
import org.vhdspark.format.Bits;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.Footer;
import org.vhdspark.format.Geometry;
import org.vhdspark.format.ParentLocator;
import org.vhdspark.format.ParseContext;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.io.ReadSource;

/**
 * One opened image file: its footer, header, BAT and locators, validated against the file, and
 * access to the sectors the file itself holds. Reading never leaves the ranges validated at open.
 *
 * <p>Instances cache the last bitmap read and are not safe for concurrent reads; open one per thread.
 */
public final class VhdImage implements Closeable {
  /** Fixed images have no blocks; this is the unit they are split and resolved in. */
  static final int FIXED_BLOCK_SIZE = VhdFormat.DEFAULT_BLOCK_SIZE;
  /** 64 Mi entries (256 MiB of BAT): 128 TiB at 2 MiB blocks, far past the format's 2040 GiB. */
  static final long MAX_BAT_ENTRIES = 64L << 20;

  private final ReadSource source;
  private final Footer footer;
  private final long footerOffset;
  private final DynamicHeader header;
  private final Bat bat;
  private final Batmap batmap;
  private final List<LocatorPath> locatorPaths;
  private final List<Finding> findings;
  private final long virtualSize;
  private final int blockSize;
  private final int bitmapBytes;

  private int cachedBitmapBlock = -1;
  private final byte[] cachedBitmap;
  private final ByteBuffer cachedBitmapBuffer;

  /** A parent locator's decoded path. */
  public record LocatorPath(ParentLocator locator, String path) {}

  private VhdImage(ReadSource source, Footer footer, long footerOffset, DynamicHeader header, Bat bat, Batmap batmap,
      List<LocatorPath> locatorPaths, List<Finding> findings, long virtualSize) {
    this.source = source;
    this.footer = footer;
    this.footerOffset = footerOffset;
    this.header = header;
    this.bat = bat;
    this.batmap = batmap;
    this.locatorPaths = List.copyOf(locatorPaths);
    this.findings = List.copyOf(findings);
    this.virtualSize = virtualSize;
    this.blockSize = header == null ? FIXED_BLOCK_SIZE : header.blockSize();
    this.bitmapBytes = VhdFormat.bitmapBytes(blockSize);
    this.cachedBitmap = header == null ? null : new byte[bitmapBytes];
    this.cachedBitmapBuffer = header == null ? null : ByteBuffer.wrap(cachedBitmap);
  }

  /**
   * Opens and validates the image read by {@code source}, which the image owns from then on (closed
   * with it, or at once when opening fails).
   */
  public static VhdImage open(ReadSource source, VhdOptions options) throws IOException {
    try {
      return new Opener(source, options).open();
    } catch (IOException | RuntimeException e) {
      try {
        source.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public String name() {
    return source.name();
  }

  public ReadSource source() {
    return source;
  }

  public Footer footer() {
    return footer;
  }

  /** Where the footer in use sits: the end of the file, or 0 when the copy had to be used. */
  public long footerOffset() {
    return footerOffset;
  }

  public Optional<DynamicHeader> header() {
    return Optional.ofNullable(header);
  }

  public Optional<Bat> bat() {
    return Optional.ofNullable(bat);
  }

  public Optional<Batmap> batmap() {
    return Optional.ofNullable(batmap);
  }

  public DiskType type() {
    return footer.diskType();
  }

  public boolean isDifferencing() {
    return footer.diskType() == DiskType.DIFFERENCING;
  }

  /** Decoded paths of the usable W2ru, W2ku and MacX locators, in slot order. */
  public List<LocatorPath> locatorPaths() {
    return locatorPaths;
  }

  /** Warnings noticed while opening. */
  public List<Finding> findings() {
    return findings;
  }

  public long virtualSize() {
    return virtualSize;
  }

  public long sectorCount() {
    return virtualSize >>> VhdFormat.SECTOR_SHIFT;
  }

  /** Block size of a dynamic or differencing image; for a fixed image, the 2 MiB unit it is split in. */
  public int blockSize() {
    return blockSize;
  }

  public int sectorsPerBlock() {
    return blockSize >>> VhdFormat.SECTOR_SHIFT;
  }

  public int blockCount() {
    return (int) ((sectorCount() + sectorsPerBlock() - 1) / sectorsPerBlock());
  }

  /** Whether the file holds any sector of {@code block} (always, for a fixed image). */
  public boolean isBlockAllocated(int block) {
    return bat == null || (block < bat.size() && bat.isAllocated(block));
  }

  public int allocatedBlockCount() {
    return bat == null ? blockCount() : bat.allocatedCount();
  }

  /**
   * Sets bits {@code [dstBit, dstBit + count)} of {@code dst} to whether this file holds sectors
   * {@code [firstSector, firstSector + count)}. Reads at most one bitmap per block touched.
   */
  public void presence(long firstSector, int count, long[] dst, int dstBit) throws IOException {
    // A parent may be smaller than its child: past its end it holds nothing.
    int inside = (int) Math.max(0, Math.min(count, sectorCount() - firstSector));
    Bits.clearRange(dst, dstBit + inside, count - inside);
    count = inside;
    if (bat == null) {
      Bits.setRange(dst, dstBit, count);
      return;
    }
    int spb = sectorsPerBlock();
    int done = 0;
    while (done < count) {
      long sector = firstSector + done;
      int block = (int) (sector / spb);
      int inBlock = (int) (sector % spb);
      int n = Math.min(count - done, spb - inBlock);
      if (!isBlockAllocated(block)) {
        Bits.clearRange(dst, dstBit + done, n);
      } else if (batmap != null && batmap.isFull(block)) {
        Bits.setRange(dst, dstBit + done, n);
      } else {
        Bits.copy(bitmap(block), inBlock, dst, dstBit + done, n);
      }
      done += n;
    }
  }

  /**
   * Reads bytes of the virtual disk that this file holds, from virtual byte offset {@code offset}
   * into {@code dst}: one positional read per block touched. The caller has checked presence.
   */
  public void readHeld(long offset, ByteBuffer dst) throws IOException {
    if (bat == null) {
      source.readFully(offset, dst);
      return;
    }
    int end = dst.limit();
    try {
      while (dst.hasRemaining()) {
        int block = (int) (offset / blockSize);
        int inBlock = (int) (offset % blockSize);
        int n = Math.min(dst.remaining(), blockSize - inBlock);
        if (!isBlockAllocated(block)) {
          throw new IllegalStateException(name() + ": block " + block + " is not allocated");
        }
        dst.limit(dst.position() + n);
        source.readFully(bat.bitmapOffset(block) + bitmapBytes + inBlock, dst);
        dst.limit(end);
        offset += n;
      }
    } finally {
      dst.limit(end);
    }
  }

  /** The on-disk bitmap of an allocated block (cached: valid until the next call). */
  byte[] bitmap(int block) throws IOException {
    if (cachedBitmapBlock != block) {
      cachedBitmapBlock = -1;
      source.readFully(bat.bitmapOffset(block), cachedBitmapBuffer.clear());
      cachedBitmapBlock = block;
    }
    return cachedBitmap;
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  @Override
  public String toString() {
    return name();
  }

  /** Reads and validates the structures in order; every length is checked before it sizes a read. */
  private static final class Opener {
    private final ReadSource source;
    private final VhdOptions options;
    private final ParseContext ctx;
    private final long fileSize;

    Opener(ReadSource source, VhdOptions options) throws IOException {
      this.source = source;
      this.options = options;
      this.ctx = new ParseContext(source.name(), options.verifyChecksums());
      this.fileSize = source.size();
    }

    VhdImage open() throws IOException {
      if (fileSize < VhdFormat.LEGACY_FOOTER_SIZE) {
        throw ctx.error("file", "size", 0, "at least 511 bytes (a footer)", fileSize + " bytes");
      }
      long footerOffset;
      Footer footer;
      try {
        footerOffset = endFooterOffset();
        footer = readFooter(footerOffset, (int) (fileSize - footerOffset));
      } catch (VhdFormatException endError) {
        footerOffset = 0;
        footer = footerCopy(endError);
      }
      long dataEnd = footerOffset == 0 ? fileSize - fileSize % VhdFormat.SECTOR_SIZE : footerOffset;
      long virtualSize = virtualSize(footer);
      if (footer.diskType() == DiskType.FIXED) {
        if (virtualSize > dataEnd) {
          boolean fromGeometry = virtualSize != footer.currentSize();
          throw ctx.error("footer", fromGeometry ? "geometry" : "current size", footerOffset + (fromGeometry ? 56 : 48),
              "a disk of at most the " + dataEnd + " data bytes the fixed image holds", virtualSize + " bytes");
        }
        return new VhdImage(source, footer, footerOffset, null, null, null, List.of(), ctx.findings(), virtualSize);
      }
      DynamicHeader header = readHeader(footer, footerOffset, dataEnd);
      Layout layout = new Layout(dataEnd);
      layout.add(0, VhdFormat.FOOTER_SIZE, "footer copy");
      layout.add(footer.dataOffset(), VhdFormat.HEADER_SIZE, "dynamic header");
      Bat bat = readBat(header, footer.currentSize(), virtualSize, dataEnd, layout);
      List<LocatorPath> paths = readLocators(footer, header, layout);
      Batmap batmap = readBatmap(footer, header, bat, layout);
      layout.checkBlocks(bat, header, ctx);
      return new VhdImage(source, footer, footerOffset, header, bat, batmap, paths, ctx.findings(), virtualSize);
    }

    private long endFooterOffset() throws VhdFormatException {
      long remainder = fileSize % VhdFormat.SECTOR_SIZE;
      if (remainder == 0) {
        return fileSize - VhdFormat.FOOTER_SIZE;
      }
      if (remainder == VhdFormat.LEGACY_FOOTER_SIZE) {
        return fileSize - VhdFormat.LEGACY_FOOTER_SIZE;
      }
      throw ctx.error("file", "size", 0, "a multiple of 512 bytes, or 512n+511 with a legacy footer", fileSize + " bytes");
    }

    private Footer readFooter(long offset, int length) throws IOException {
      ByteBuffer buf = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
      source.readFully(offset, buf.limit(length));
      return Footer.parse(buf.clear(), offset, ctx);
    }

    /** The end footer is unusable: a dynamic or differencing image keeps a copy at offset 0. */
    private Footer footerCopy(VhdFormatException endError) throws IOException {
      if (fileSize < 2L * VhdFormat.FOOTER_SIZE) {
        throw endError;
      }
      Footer copy;
      try {
        copy = readFooter(0, VhdFormat.FOOTER_SIZE);
      } catch (VhdFormatException copyError) {
        endError.addSuppressed(copyError);
        throw endError;
      }
      if (!copy.diskType().isSparse()) {
        throw endError;
      }
      String message = "footer at the end is unusable (" + endError.detail() + "); using the copy at offset 0";
      ctx.warn(message);
      return copy;
    }

    /**
     * The current size, or with CHS sizing the geometry's size; as in QEMU, a disk at the maximum
     * geometry (65535/16/255, what qemu-img's force_size and disks past 127 GiB record) keeps its
     * current size, because the geometry cannot describe it.
     */
    private long virtualSize(Footer footer) {
      if (!options.sizeFromChs() || footer.geometry().equals(Geometry.MAXIMUM)) {
        return footer.currentSize();
      }
      return footer.geometry().sizeBytes();
    }

    private DynamicHeader readHeader(Footer footer, long footerOffset, long dataEnd) throws IOException {
      long offset = footer.dataOffset();
      if (offset < VhdFormat.FOOTER_SIZE || offset % VhdFormat.SECTOR_SIZE != 0 || offset > dataEnd - VhdFormat.HEADER_SIZE) {
        throw ctx.error("footer", "data offset", footerOffset + 16,
            "a sector-aligned dynamic header offset from 512 to " + (dataEnd - VhdFormat.HEADER_SIZE), Long.toUnsignedString(offset));
      }
      ByteBuffer buf = ByteBuffer.allocate(VhdFormat.HEADER_SIZE);
      source.readFully(offset, buf);
      DynamicHeader header = DynamicHeader.parse(buf.clear(), offset, ctx);
      if (footer.diskType() == DiskType.DYNAMIC
          && (header.hasParentUniqueId() || header.locators().stream().anyMatch(l -> !l.isEmpty()))) {
        ctx.warn("dynamic (not differencing) image has parent fields set; they are ignored");
      }
      if (footer.diskType() == DiskType.DIFFERENCING && VhdFormat.isInTheFuture(header.parentTimestamp())) {
        ctx.warn("dynamic header parent timestamp " + VhdFormat.timestampToInstant(header.parentTimestamp()) + " is in the future");
      }
      return header;
    }

    /** The BAT must cover the disk presented: with CHS sizing, that is the geometry's size (as QEMU requires). */
    private Bat readBat(DynamicHeader header, long currentSize, long virtualSize, long dataEnd, Layout layout)
        throws IOException {
      long headerOffset = layout.headerOffset();
      long needed = (virtualSize + header.blockSize() - 1) / header.blockSize();
      long entries = VhdFormat.toUnsigned(header.maxTableEntries());
      if (entries < needed) {
        throw ctx.error("dynamic header", "max table entries", headerOffset + 28,
            "at least " + needed + " (disk size / block size)", Long.toString(entries));
      }
      long tableOffset = header.tableOffset();
      if (tableOffset > dataEnd || entries * 4 > dataEnd - tableOffset) {
        throw ctx.error("dynamic header", entries * 4 > dataEnd ? "max table entries" : "table offset",
            headerOffset + (entries * 4 > dataEnd ? 28 : 16),
            "a BAT of " + entries + " entries inside the file (" + dataEnd + " bytes before the footer)",
            "a BAT at offset " + tableOffset + " with " + entries + " entries");
      }
      long sized = (currentSize + header.blockSize() - 1) / header.blockSize();
      if (entries > sized) {
        ctx.warn("max table entries " + entries + " exceeds the " + sized + " the disk size needs; extra entries ignored");
      }
      if (needed > MAX_BAT_ENTRIES) {
        throw ctx.error("dynamic header", "block size", headerOffset + 32,
            "a block size giving at most " + MAX_BAT_ENTRIES + " blocks for this disk", header.blockSize() + " bytes");
      }
      layout.add(tableOffset, Math.min(Bat.sizeOnDisk(entries), dataEnd - tableOffset), "BAT");
      // Only the entries the disk needs are read (bounded by the file size and MAX_BAT_ENTRIES).
      int bytes = (int) Math.min(Bat.sizeOnDisk(needed), dataEnd - tableOffset);
      ByteBuffer buf = ByteBuffer.allocate(bytes);
      source.readFully(tableOffset, buf);
      buf.clear();
      for (long i = entries; i < bytes / 4; i++) {
        int padding = buf.getInt((int) (i * 4));
        // blktap pads with zeros, the specification with 0xFFFFFFFF: anything else is noise worth a warning.
        if (padding != VhdFormat.UNALLOCATED && padding != 0) {
          ctx.warn("BAT padding entry " + i + " at offset " + (tableOffset + i * 4) + " is neither 0xFFFFFFFF nor 0");
          break;
        }
      }
      return Bat.parse(buf, (int) needed);
    }

    private List<LocatorPath> readLocators(Footer footer, DynamicHeader header, Layout layout) throws IOException {
      if (footer.diskType() != DiskType.DIFFERENCING) {
        return List.of();
      }
      List<LocatorPath> paths = new ArrayList<>();
      for (ParentLocator locator : header.locators()) {
        if (locator.isEmpty()) {
          continue;
        }
        long entryOffset = DynamicHeader.locatorEntryOffset(layout.headerOffset(), locator.slot());
        try {
          locator.validate(fileSize, entryOffset, ctx);
          layout.add(locator.dataOffset(), locator.dataLength(), "parent locator " + locator.slot());
          if (!locator.isPath()) {
            ctx.warn("parent locator " + locator.slot() + " has deprecated platform code " + locator.codeLabel() + "; not used");
            continue;
          }
          byte[] payload = new byte[locator.dataLength()];
          source.readFully(locator.dataOffset(), ByteBuffer.wrap(payload));
          paths.add(new LocatorPath(locator, locator.decodePath(payload, entryOffset, ctx)));
        } catch (VhdFormatException e) {
          // One broken locator must not hide the others: keep it as a warning, the parent search goes on.
          ctx.warn("unusable " + e.detail());
        }
      }
      return paths;
    }

    private Batmap readBatmap(Footer footer, DynamicHeader header, Bat bat, Layout layout) throws IOException {
      if (!Batmap.mayBeIn(footer)) {
        return null;
      }
      long offset = Batmap.headerOffset(header);
      if (offset > layout.dataEnd() - Batmap.HEADER_SIZE) {
        if (Batmap.isRequiredIn(footer)) {
          ctx.warn("blktap image without room for its batmap header at offset " + offset + "; bitmaps are read instead");
        }
        return null;
      }
      try {
        ByteBuffer buf = ByteBuffer.allocate(Batmap.HEADER_SIZE);
        source.readFully(offset, buf);
        Batmap.Header batmapHeader = Batmap.parseHeader(buf.clear(), offset, bat.size(), header.maxTableEntries(),
            layout.dataEnd(), ctx);
        byte[] map = new byte[batmapHeader.mapSectors() * VhdFormat.SECTOR_SIZE];
        source.readFully(batmapHeader.mapOffset(), ByteBuffer.wrap(map));
        Batmap batmap = Batmap.of(batmapHeader, map, ctx);
        for (int block = 0; block < bat.size(); block++) {
          if (batmap.isFull(block) && !bat.isAllocated(block)) {
            throw ctx.error("batmap", "map bit of block " + block, batmapHeader.mapOffset() + block / 8,
                "clear for an unallocated block", "set");
          }
        }
        layout.add(offset, Batmap.HEADER_SIZE, "batmap header");
        layout.add(batmapHeader.mapOffset(), map.length, "batmap");
        return batmap;
      } catch (VhdFormatException e) {
        if (Batmap.isRequiredIn(footer)) {
          ctx.warn("batmap ignored, bitmaps are read instead: " + e.detail());
        }
        return null;
      }
    }
  }

  /** The metadata regions of a sparse image, against which every block is checked. */
  private static final class Layout {
    private final long dataEnd;
    private final List<long[]> regions = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private long headerOffset = -1;

    Layout(long dataEnd) {
      this.dataEnd = dataEnd;
    }

    void add(long offset, long length, String name) {
      if (name.equals("dynamic header")) {
        headerOffset = offset;
      }
      regions.add(new long[] {offset, offset + length});
      names.add(name);
    }

    long headerOffset() {
      return headerOffset;
    }

    long dataEnd() {
      return dataEnd;
    }

    /** Every allocated block inside the file, clear of the metadata and of every other block. */
    void checkBlocks(Bat bat, DynamicHeader header, ParseContext ctx) throws VhdFormatException {
      long blockBytes = VhdFormat.bitmapBytes(header.blockSize()) + (long) header.blockSize();
      long batOffset = header.tableOffset();
      long[] sorted = new long[bat.allocatedCount()];
      int n = 0;
      for (int block = 0; block < bat.size(); block++) {
        if (!bat.isAllocated(block)) {
          continue;
        }
        long start = bat.bitmapOffset(block);
        if (start > dataEnd - blockBytes) {
          throw ctx.error("BAT", "entry " + block, batOffset + block * 4L,
              "a block of " + blockBytes + " bytes ending before the footer at " + dataEnd, "bitmap at offset " + start);
        }
        for (int r = 0; r < regions.size(); r++) {
          long[] region = regions.get(r);
          if (start < region[1] && region[0] < start + blockBytes) {
            throw ctx.error("BAT", "entry " + block, batOffset + block * 4L,
                "a block clear of the " + names.get(r) + " at [" + region[0] + ", " + region[1] + ")",
                "a block at [" + start + ", " + (start + blockBytes) + ")");
          }
        }
        // Sector offsets fit 32 bits and block numbers 31: one sortable long keeps both.
        sorted[n++] = (start >>> VhdFormat.SECTOR_SHIFT) << 31 | block;
      }
      Arrays.sort(sorted, 0, n);
      for (int i = 1; i < n; i++) {
        long previous = (sorted[i - 1] >>> 31) << VhdFormat.SECTOR_SHIFT;
        long current = (sorted[i] >>> 31) << VhdFormat.SECTOR_SHIFT;
        if (current - previous < blockBytes) {
          int block = (int) (sorted[i] & Integer.MAX_VALUE);
          throw ctx.error("BAT", "entry " + block, batOffset + block * 4L,
              "a block clear of block " + (sorted[i - 1] & Integer.MAX_VALUE) + " at [" + previous + ", " + (previous + blockBytes) + ")",
              "a block at offset " + current);
        }
      }
    }
  }
}
