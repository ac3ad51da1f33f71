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
import org.vhdspark.format.Bits;
import org.vhdspark.format.DiskType;
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
 * ordered so that a crash at any point leaves every sector with its old or its new contents, and an
 * image that {@code vhd check} accepts and that takes further writes:
 * <ul>
 *   <li>the last 512 bytes of the file are a valid footer at every moment. New blocks go after the
 *       image's structures, in room before the end footer; when a block needs more room, the footer
 *       is first written further on (room for several blocks: one footer write and one sync a group)
 *       and made durable, and only then are blocks written where it stood. {@link #close()} gives
 *       unused room back: the footer is written right after the last block, synced, and the file
 *       cut after it;
 *   <li>data and new blocks are written first; the metadata that exposes them, bitmap bits and BAT
 *       entries, is written only after a sync has made the data durable. These updates are grouped:
 *       one sync serves every write since the last one, at {@link #flush()}, {@link #close()}, or
 *       when {@value #MAX_PENDING_BLOCKS} blocks wait;
 *   <li>a blktap batmap is left as it is. It stays true, since writes only add sectors to a block,
 *       and marking a block full would change two sectors (the map and its checksum) that no
 *       ordering changes together.
 * </ul>
 * Zeros written over an unallocated block are skipped when no ancestor holds those sectors. An image
 * whose end footer is damaged is refused: {@link ChainOperations#repair} restores it. Not thread-safe.
 */
public final class VhdWriter implements Closeable {
  private final ReadWriteFile file;
  private final VhdChain chain;
  private final VirtualDisk ancestors;
  private final DiskType type;
  /** The end footer's bytes as found, moved unchanged: re-encoding could drop bytes the copy at 0 keeps. */
  private final ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
  private final long sectorCount;
  private final int blockSize;
  private final int bitmapBytes;
  private final long tableOffset;
  private final int[] bat;
  /** Blocks at most waiting for their metadata: bounds memory (a bitmap each) and lost work on a crash. */
  static final int MAX_PENDING_BLOCKS = 1024;
  /** Room the footer moves ahead by when a new block needs it: 64 MiB, at least one block. */
  static final long ROOM_BYTES = 64L << 20;
  private static final byte[] ZEROS = new byte[64 * 1024];

  private final byte[] bitmap;
  private int bitmapBlock = -1;
  /** Bitmaps changed since the last sync, by block, to be written after the next one. */
  private final Map<Integer, byte[]> pendingBitmaps = new LinkedHashMap<>();
  /** New blocks whose BAT entries wait for the next sync. */
  private final List<Integer> pendingBatEntries = new ArrayList<>();
  /** Where the end footer is: the file ends 512 bytes later (or 511, a legacy footer not yet moved). */
  private long footerOffset;
  /** Where the next new block goes: past every structure, at most {@link #footerOffset}. */
  private long nextBlockOffset;
  private int unallocatedBlocks;
  /** A block was added: the room left at close is given back. */
  private boolean appended;
  private ByteBuffer newBlock;

  private VhdWriter(ReadWriteFile file, VhdChain chain, VirtualDisk ancestors) throws IOException {
    this.file = file;
    this.chain = chain;
    this.ancestors = ancestors;
    VhdImage image = chain.image();
    this.type = image.type();
    this.sectorCount = image.sectorCount();
    this.blockSize = image.blockSize();
    this.bitmapBytes = VhdFormat.bitmapBytes(blockSize);
    this.footerOffset = image.footerOffset();
    this.bitmap = new byte[bitmapBytes];
    if (footerOffset == 0 || footerOffset + VhdFormat.LEGACY_FOOTER_SIZE > file.size()) {
      throw new VhdException(file.name() + ": the footer at the end of the image is damaged; "
          + "`vhd repair` restores it from the copy at offset 0, then the image can be written");
    }
    // A legacy 511-byte footer moves as 512 bytes, its last reserved byte zero.
    file.readFully(footerOffset, footer.limit((int) Math.min(VhdFormat.FOOTER_SIZE, file.size() - footerOffset)));
    footer.clear();
    if (type == DiskType.FIXED) {
      this.tableOffset = -1;
      this.bat = null;
    } else {
      this.tableOffset = image.header().orElseThrow().tableOffset();
      this.bat = new int[image.bat().orElseThrow().size()];
      for (int i = 0; i < bat.length; i++) {
        bat[i] = image.bat().orElseThrow().entry(i);
        unallocatedBlocks += bat[i] == VhdFormat.UNALLOCATED ? 1 : 0;
      }
      this.nextBlockOffset = EndOfData.of(image);
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

  /**
   * Makes every write so far durable and visible: data first, then the metadata that points at it.
   * Room reserved before the footer is kept for later blocks; {@link #close()} gives it back.
   */
  public void flush() throws IOException {
    flush(false);
  }

  /** Flushes, gives back the room left before the footer, and closes the image. */
  @Override
  public void close() throws IOException {
    try (file; VhdChain ignored = chain) {
      flush(true);
    }
  }

  /**
   * Syncs the data, then writes the metadata waiting for it; at {@code last}, with the footer at its
   * final place right after the last block, and once that is durable, cuts the file after it.
   */
  private void flush(boolean last) throws IOException {
    file.sync();
    boolean trim = last && appended && footerOffset > nextBlockOffset;
    if (pendingBitmaps.isEmpty() && pendingBatEntries.isEmpty() && !trim) {
      return;
    }
    for (int block : pendingBatEntries) {
      file.write(tableOffset + block * 4L, ByteBuffer.allocate(4).putInt(0, bat[block]));
    }
    for (Map.Entry<Integer, byte[]> pending : pendingBitmaps.entrySet()) {
      file.write(bat(pending.getKey()), ByteBuffer.wrap(pending.getValue()));
    }
    pendingBatEntries.clear();
    pendingBitmaps.clear();
    bitmapBlock = -1;
    if (trim) {
      // Past the last block, so not yet the end of the file: harmless until the cut below.
      writeFooter(nextBlockOffset);
    }
    file.sync();
    if (trim) {
      file.truncate(nextBlockOffset + VhdFormat.FOOTER_SIZE);
      file.sync();
      footerOffset = nextBlockOffset;
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

  /** A new block in the room before the end footer; its BAT entry waits for the next sync. */
  private void allocate(int block, int firstSector, ByteBuffer data) throws IOException {
    if (newBlock == null) {
      newBlock = ByteBuffer.allocate(bitmapBytes + blockSize);
    }
    Arrays.fill(newBlock.array(), (byte) 0);
    byte[] bits = new byte[bitmapBytes];
    Bits.setRange(bits, firstSector, data.remaining() >>> VhdFormat.SECTOR_SHIFT);
    newBlock.put(0, bits);
    newBlock.put(bitmapBytes + (firstSector << VhdFormat.SECTOR_SHIFT), data, data.position(), data.remaining());
    long blockOffset = nextBlockOffset;
    if (blockOffset + newBlock.capacity() > footerOffset) {
      makeRoom();
    }
    file.write(blockOffset, newBlock.clear());
    nextBlockOffset = blockOffset + newBlock.capacity();
    appended = true;
    unallocatedBlocks--;
    bat[block] = (int) (blockOffset >>> VhdFormat.SECTOR_SHIFT);
    pendingBatEntries.add(block);
    pendingBitmaps.put(block, bits);
    flushIfMany();
  }

  /**
   * Moves the end footer ahead, past room for several new blocks (at most those still unallocated),
   * and makes it durable before any block is written where it stood: the file never ends in anything
   * but a valid footer.
   */
  private void makeRoom() throws IOException {
    long blockBytes = bitmapBytes + (long) blockSize;
    long fitting = (VhdFormat.MAX_BLOCK_END - nextBlockOffset) / blockBytes;
    if (fitting < 1) {
      throw new VhdException(file.name() + ": image would pass 2 TiB, beyond what a BAT can address");
    }
    long blocks = Math.min(fitting, Math.max(1, Math.min(ROOM_BYTES / blockBytes, unallocatedBlocks)));
    long roomEnd = nextBlockOffset + blocks * blockBytes;
    writeFooter(roomEnd);
    file.sync();
    footerOffset = roomEnd;
  }

  private void writeFooter(long offset) throws IOException {
    file.write(offset, footer.duplicate());
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
}
