package org.vhdspark.write;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vhdspark.VhdException;
import org.vhdspark.format.Batmap;
import org.vhdspark.format.Bits;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.Footer;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;

/**
 * Writes bytes into an existing image at any offset and length.
 *
 * <p>Partial sectors are completed from what the chain holds. In a dynamic or differencing image only
 * the written sectors' bitmap bits are set, and a new block is zero except where written. Writes are
 * ordered so that a crash at any point leaves every sector with its old or its new contents:
 * <ul>
 *   <li>data, and new blocks (bitmap and data, where the end footer was, the footer moving past
 *       them), are written first; the footer copy at offset 0 keeps the image readable meanwhile;
 *   <li>the metadata that exposes them, bitmap bits and BAT entries, is written only after a sync
 *       has made the data durable. These updates are grouped: one sync serves every write since the
 *       last one, at {@link #flush()}, {@link #close()}, or when {@value #MAX_PENDING_BLOCKS} blocks
 *       wait;
 *   <li>a blktap batmap marks a block full only after its bitmap and BAT entry are durable.
 * </ul>
 * Zeros written over an unallocated block are skipped when no ancestor holds those sectors.
 * Not thread-safe.
 */
public final class VhdWriter implements Closeable {
  private final ReadWriteFile file;
  private final VhdChain chain;
  private final VirtualDisk ancestors;
  private final DiskType type;
  private final Footer footer;
  private final long sectorCount;
  private final int blockSize;
  private final int bitmapBytes;
  private final long tableOffset;
  private final int[] bat;
  private final BatmapState batmap;
  /** Blocks at most waiting for their metadata: bounds memory (a bitmap each) and lost work on a crash. */
  static final int MAX_PENDING_BLOCKS = 1024;
  private static final byte[] ZEROS = new byte[64 * 1024];

  private final byte[] bitmap;
  private int bitmapBlock = -1;
  /** Bitmaps changed since the last sync, by block, to be written after the next one. */
  private final Map<Integer, byte[]> pendingBitmaps = new LinkedHashMap<>();
  /** New blocks whose BAT entries wait for the next sync. */
  private final List<Integer> pendingBatEntries = new ArrayList<>();
  private long footerOffset;
  private ByteBuffer newBlock;

  private VhdWriter(ReadWriteFile file, VhdChain chain, VirtualDisk ancestors) throws IOException {
    this.file = file;
    this.chain = chain;
    this.ancestors = ancestors;
    VhdImage image = chain.image();
    this.type = image.type();
    this.footer = image.footer();
    this.sectorCount = image.sectorCount();
    this.blockSize = image.blockSize();
    this.bitmapBytes = VhdFormat.bitmapBytes(blockSize);
    this.footerOffset = image.footerOffset();
    this.bitmap = new byte[bitmapBytes];
    if (type == DiskType.FIXED) {
      this.tableOffset = -1;
      this.bat = null;
      this.batmap = null;
    } else {
      this.tableOffset = image.header().orElseThrow().tableOffset();
      this.bat = new int[image.bat().orElseThrow().size()];
      for (int i = 0; i < bat.length; i++) {
        bat[i] = image.bat().orElseThrow().entry(i);
      }
      this.batmap = image.batmap().map(BatmapState::new).orElse(null);
    }
    if (footerOffset == 0 || footerOffset + VhdFormat.LEGACY_FOOTER_SIZE > file.size()) {
      throw new VhdException(file.name() + ": the footer at the end of the image is damaged; repair the image before writing");
    }
  }

  /** Opens the image at {@code location} and its parents (for partial sectors) to write into it. */
  public static VhdWriter open(ImageStore store, Location location, VhdOptions options) throws IOException {
    ReadWriteFile file = store.openForUpdate(location);
    try {
      return open(store, location, options, file);
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Writes through {@code file}, which must be the image at {@code location} (tests pass failing doubles). */
  public static VhdWriter open(ImageStore store, Location location, VhdOptions options, ReadWriteFile file)
      throws IOException {
    VhdChain chain = VhdChain.open(store, location, options);
    try {
      VirtualDisk ancestors = chain.image().isDifferencing() ? VirtualDisk.ancestors(chain) : null;
      return new VhdWriter(file, chain, ancestors);
    } catch (IOException | RuntimeException e) {
      chain.close();
      throw e;
    }
  }

  public long size() {
    return sectorCount << VhdFormat.SECTOR_SHIFT;
  }

  /** Writes {@code src} at virtual byte {@code offset}. */
  public void write(long offset, ByteBuffer src) throws IOException {
    if (offset < 0 || offset > size() - src.remaining()) {
      throw new java.io.EOFException(String.format("%s: write of %,d bytes at offset %,d passes the end of the disk (%,d bytes)",
          file.name(), src.remaining(), offset, size()));
    }
    while (src.hasRemaining()) {
      int n = (int) Math.min(src.remaining(), blockSize - offset % blockSize);
      ByteBuffer chunk = src.slice(src.position(), n);
      writeWithinBlock(offset, alignToSectors(offset, chunk));
      src.position(src.position() + n);
      offset += n;
    }
  }

  /** Makes every write so far durable and visible: data first, then the metadata that points at it. */
  public void flush() throws IOException {
    file.sync();
    if (pendingBitmaps.isEmpty() && pendingBatEntries.isEmpty()) {
      return;
    }
    for (int block : pendingBatEntries) {
      file.write(tableOffset + block * 4L, ByteBuffer.allocate(4).putInt(0, bat[block]));
    }
    List<Integer> full = new ArrayList<>();
    for (Map.Entry<Integer, byte[]> pending : pendingBitmaps.entrySet()) {
      file.write(bat(pending.getKey()), ByteBuffer.wrap(pending.getValue()));
      if (batmap != null && !batmap.isFull(pending.getKey()) && isFull(pending.getValue(), pending.getKey())) {
        full.add(pending.getKey());
      }
    }
    pendingBatEntries.clear();
    pendingBitmaps.clear();
    bitmapBlock = -1;
    file.sync();
    for (int block : full) {
      batmap.markFull(block, file);
    }
    if (!full.isEmpty()) {
      file.sync();
    }
  }

  @Override
  public void close() throws IOException {
    try (file; VhdChain ignored = chain) {
      flush();
    }
  }

  /** The chunk widened to whole sectors, completed with the sectors' current contents. */
  private ByteBuffer alignToSectors(long offset, ByteBuffer chunk) throws IOException {
    int head = (int) (offset & (VhdFormat.SECTOR_SIZE - 1));
    int end = head + chunk.remaining();
    if (head == 0 && (end & (VhdFormat.SECTOR_SIZE - 1)) == 0) {
      return chunk;
    }
    long firstSector = offset >>> VhdFormat.SECTOR_SHIFT;
    ByteBuffer aligned = ByteBuffer.allocate(VhdFormat.roundUpToSector(end));
    readCurrentSector(firstSector, aligned.slice(0, VhdFormat.SECTOR_SIZE));
    int lastStart = aligned.capacity() - VhdFormat.SECTOR_SIZE;
    if (lastStart > 0) {
      readCurrentSector(firstSector + lastStart / VhdFormat.SECTOR_SIZE, aligned.slice(lastStart, VhdFormat.SECTOR_SIZE));
    }
    aligned.put(head, chunk, chunk.position(), chunk.remaining());
    return aligned;
  }

  private void readCurrentSector(long sector, ByteBuffer dst) throws IOException {
    long position = sector << VhdFormat.SECTOR_SHIFT;
    if (type == DiskType.FIXED) {
      file.readFully(position, dst);
      return;
    }
    int block = (int) (position / blockSize);
    int inBlock = (int) (sector % (blockSize >>> VhdFormat.SECTOR_SHIFT));
    if (isAllocated(block) && Bits.get(bitmap(block), inBlock)) {
      file.readFully(dataOffset(block) + (long) inBlock * VhdFormat.SECTOR_SIZE, dst);
    } else if (ancestors != null && sector < ancestors.sectorCount()) {
      ancestors.read(position, dst);
    } else {
      Arrays.fill(dst.array(), dst.arrayOffset(), dst.arrayOffset() + dst.capacity(), (byte) 0);
    }
  }

  /** {@code data} is whole sectors starting at the sector of {@code offset}, all inside one block. */
  private void writeWithinBlock(long offset, ByteBuffer data) throws IOException {
    long position = offset & -VhdFormat.SECTOR_SIZE;
    if (type == DiskType.FIXED) {
      file.write(position, data);
      return;
    }
    int block = (int) (position / blockSize);
    int firstSector = (int) ((position % blockSize) >>> VhdFormat.SECTOR_SHIFT);
    int sectors = data.remaining() >>> VhdFormat.SECTOR_SHIFT;
    if (!isAllocated(block)) {
      if (isZero(data) && (ancestors == null || !ancestors.holdsAny(position >>> VhdFormat.SECTOR_SHIFT, sectors))) {
        return;
      }
      allocate(block, firstSector, data);
      return;
    }
    file.write(dataOffset(block) + ((long) firstSector << VhdFormat.SECTOR_SHIFT), data);
    if (!Bits.allSet(bitmap(block), firstSector, sectors)) {
      Bits.setRange(pendingBitmap(block), firstSector, sectors);
      flushIfMany();
    }
  }

  /** A new block where the end footer is; its BAT entry waits for the next sync. */
  private void allocate(int block, int firstSector, ByteBuffer data) throws IOException {
    if (newBlock == null) {
      newBlock = ByteBuffer.allocate(bitmapBytes + blockSize);
    }
    Arrays.fill(newBlock.array(), (byte) 0);
    byte[] bits = new byte[bitmapBytes];
    Bits.setRange(bits, firstSector, data.remaining() >>> VhdFormat.SECTOR_SHIFT);
    newBlock.put(0, bits);
    newBlock.put(bitmapBytes + (firstSector << VhdFormat.SECTOR_SHIFT), data, data.position(), data.remaining());
    long blockOffset = footerOffset;
    long newFooterOffset = blockOffset + newBlock.capacity();
    if (newFooterOffset > 0xFFFFFFFFL << VhdFormat.SECTOR_SHIFT) {
      throw new VhdException(file.name() + ": image would pass 2 TiB, beyond what a BAT can address");
    }
    file.write(blockOffset, newBlock.clear());
    ByteBuffer footerBytes = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    footer.writeTo(footerBytes);
    file.write(newFooterOffset, footerBytes);
    footerOffset = newFooterOffset;
    bat[block] = (int) (blockOffset >>> VhdFormat.SECTOR_SHIFT);
    pendingBatEntries.add(block);
    pendingBitmaps.put(block, bits);
    flushIfMany();
  }

  private void flushIfMany() throws IOException {
    if (pendingBitmaps.size() >= MAX_PENDING_BLOCKS) {
      flush();
    }
  }

  /** The block's bitmap as it will be after the next sync, for changing. */
  private byte[] pendingBitmap(int block) throws IOException {
    byte[] pending = pendingBitmaps.get(block);
    if (pending == null) {
      pending = bitmap(block).clone();
      pendingBitmaps.put(block, pending);
    }
    return pending;
  }

  private boolean isFull(byte[] bits, int block) {
    int sectorsPerBlock = blockSize >>> VhdFormat.SECTOR_SHIFT;
    return Bits.allSet(bits, 0, (int) Math.min(sectorsPerBlock, sectorCount - (long) block * sectorsPerBlock));
  }


  private boolean isAllocated(int block) {
    return block < bat.length && bat[block] != VhdFormat.UNALLOCATED;
  }

  private long bat(int block) {
    return VhdFormat.toUnsigned(bat[block]) << VhdFormat.SECTOR_SHIFT;
  }

  private long dataOffset(int block) {
    return bat(block) + bitmapBytes;
  }

  /** The block's bitmap as writes so far left it: pending changes included. */
  private byte[] bitmap(int block) throws IOException {
    byte[] pending = pendingBitmaps.get(block);
    if (pending != null) {
      return pending;
    }
    if (bitmapBlock != block) {
      bitmapBlock = -1;
      file.readFully(bat(block), ByteBuffer.wrap(bitmap));
      bitmapBlock = block;
    }
    return bitmap;
  }

  private static boolean isZero(ByteBuffer data) {
    for (int at = data.position(); at < data.limit(); at += ZEROS.length) {
      int n = Math.min(ZEROS.length, data.limit() - at);
      if (data.slice(at, n).mismatch(ByteBuffer.wrap(ZEROS, 0, n)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** A blktap batmap kept true: a block is marked full once all its sectors are present. */
  private static final class BatmapState {
    private final Batmap batmap;
    private final byte[] map;

    BatmapState(Batmap batmap) {
      this.batmap = batmap;
      this.map = batmap.map().clone();
    }

    boolean isFull(int block) {
      return Bits.get(map, block);
    }

    /** Map sector first, then the header's checksum: a crash between leaves a batmap readers ignore. */
    void markFull(int block, ReadWriteFile file) throws IOException {
      Bits.setRange(map, block, 1);
      int sector = (block >>> 3) / VhdFormat.SECTOR_SIZE;
      file.write(batmap.mapOffset() + (long) sector * VhdFormat.SECTOR_SIZE,
          ByteBuffer.wrap(map, sector * VhdFormat.SECTOR_SIZE, VhdFormat.SECTOR_SIZE));
      file.write(batmap.headerOffset() + Batmap.CHECKSUM,
          ByteBuffer.allocate(4).putInt(0, Batmap.checksum(batmap.version(), map)));
    }
  }
}
