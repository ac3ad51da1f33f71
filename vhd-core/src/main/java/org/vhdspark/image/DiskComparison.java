package org.vhdspark.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.vhdspark.format.VhdFormat;

/**
 * Compares the resolved disk of an image with that of a base, block by block of a grid of the
 * caller's choosing, and finds the sectors that differ. Sectors that both disks resolve to the same
 * layer file (the image descends from the base, or both are snapshots of one base) are equal by
 * construction and never read; sectors neither disk holds, and sectors past the end of the smaller
 * disk, are zeros. Memory is two blocks of the grid, whatever the disks' sizes. Not thread-safe.
 */
public final class DiskComparison {
  /** What makes a sector count as changed. */
  public enum Mode {
    /** Its contents differ (exact): sectors not shared are read from both disks and compared. */
    CONTENT,
    /** The two disks resolve it to different layers: no data compared, an over-estimate of CONTENT. */
    ALLOCATION
  }

  private final VirtualDisk image;
  private final VirtualDisk base;
  private final Mode mode;
  private final int sectorsPerBlock;
  private final long sectorCount;
  /** For each layer of the image, the layer of the base that is the same file, or -1. */
  private final int[] sharedWith;
  private final boolean[] baseLayerShared;
  private final BlockRuns scratch = new BlockRuns();
  private final Segments imageSegments = new Segments();
  private final Segments baseSegments = new Segments();
  private final byte[] imageBytes;
  private final byte[] baseBytes;
  private long bytesCompared;
  private long bytesShared;
  private long bytesRead;

  /**
   * Compares {@code image} against {@code base} in blocks of {@code sectorsPerBlock} sectors (a power
   * of two), over the larger of the two disks. Neither disk is closed by this object.
   */
  public DiskComparison(VirtualDisk image, VirtualDisk base, Mode mode, int sectorsPerBlock) {
    if (sectorsPerBlock <= 0 || Integer.bitCount(sectorsPerBlock) != 1) {
      throw new IllegalArgumentException("sectors per block must be a power of two: " + sectorsPerBlock);
    }
    this.image = image;
    this.base = base;
    this.mode = mode;
    this.sectorsPerBlock = sectorsPerBlock;
    this.sectorCount = Math.max(image.sectorCount(), base.sectorCount());
    List<VhdChain.Layer> imageLayers = image.chain().layers().subList(0, image.layerCount());
    List<VhdChain.Layer> baseLayers = base.chain().layers().subList(0, base.layerCount());
    this.sharedWith = new int[imageLayers.size()];
    this.baseLayerShared = new boolean[baseLayers.size()];
    Arrays.fill(sharedWith, -1);
    for (int k = 0; k < imageLayers.size(); k++) {
      for (int j = 0; j < baseLayers.size(); j++) {
        if (sameFile(imageLayers.get(k), baseLayers.get(j))) {
          sharedWith[k] = j;
          baseLayerShared[j] = true;
          break;
        }
      }
    }
    this.imageBytes = new byte[sectorsPerBlock << VhdFormat.SECTOR_SHIFT];
    this.baseBytes = mode == Mode.CONTENT ? new byte[imageBytes.length] : new byte[0];
  }

  private static boolean sameFile(VhdChain.Layer a, VhdChain.Layer b) {
    return a.location().equals(b.location()) && a.image().footer().uniqueId().equals(b.image().footer().uniqueId());
  }

  /** Sectors compared: the larger disk's. */
  public long sectorCount() {
    return sectorCount;
  }

  public int sectorsPerBlock() {
    return sectorsPerBlock;
  }

  public long blockCount() {
    return (sectorCount + sectorsPerBlock - 1) / sectorsPerBlock;
  }

  /** The number of layers of the image that the base shares (its whole chain below some layer, or none). */
  public int sharedLayers() {
    return (int) Arrays.stream(sharedWith).filter(j -> j >= 0).count();
  }

  /**
   * Whether {@code block} may hold a changed sector: a layer of either disk that the other does not
   * share has a block allocated over it. Reads BATs only; false means equal for certain.
   */
  public boolean mayDiffer(long block) {
    long first = block * sectorsPerBlock;
    int count = sectorsIn(block);
    for (int k = 0; k < sharedWith.length; k++) {
      if (sharedWith[k] < 0 && image.layerHoldsAny(k, first, count)) {
        return true;
      }
    }
    for (int j = 0; j < baseLayerShared.length; j++) {
      if (!baseLayerShared[j] && base.layerHoldsAny(j, first, count)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Finds the changed sectors of {@code block} into {@code out}: runs in sector order, each with the
   * image layer that holds it (or {@link BlockRuns#ZEROS}). The image's bytes of every changed sector
   * are then in {@link #imageBytes()}, sector {@code s} at {@code (s - first) * 512}.
   */
  public BlockRuns compare(long block, BlockRuns out) throws IOException {
    long first = block * sectorsPerBlock;
    int count = sectorsIn(block);
    out.reset(Math.toIntExact(block));
    if (!mayDiffer(block)) {
      bytesShared += (long) count << VhdFormat.SECTOR_SHIFT;
      return out;
    }
    imageSegments.of(image, first, count);
    baseSegments.of(base, first, count);
    int i = 0;
    int j = 0;
    long at = first;
    long end = first + count;
    while (at < end) {
      long segmentEnd = Math.min(imageSegments.end(i), baseSegments.end(j));
      int imageOwner = imageSegments.owner(i);
      int baseOwner = baseSegments.owner(j);
      int length = (int) (segmentEnd - at);
      if (imageOwner == BlockRuns.ZEROS && baseOwner == BlockRuns.ZEROS) {
        // Neither holds these sectors: zeros on both sides.
      } else if (imageOwner != BlockRuns.ZEROS && sharedWith[imageOwner] >= 0 && sharedWith[imageOwner] == baseOwner) {
        bytesShared += (long) length << VhdFormat.SECTOR_SHIFT;
      } else {
        load(image, imageOwner, at, length, imageBytes, first);
        if (mode == Mode.ALLOCATION) {
          out.add(at, length, imageOwner);
        } else {
          load(base, baseOwner, at, length, baseBytes, first);
          bytesCompared += (long) length << VhdFormat.SECTOR_SHIFT;
          addChanged(at, length, imageOwner, first, out);
        }
      }
      at = segmentEnd;
      if (at == imageSegments.end(i)) {
        i++;
      }
      if (at == baseSegments.end(j)) {
        j++;
      }
    }
    return out;
  }

  private void addChanged(long start, int length, int owner, long first, BlockRuns out) {
    int from = (int) (start - first) << VhdFormat.SECTOR_SHIFT;
    int to = from + (length << VhdFormat.SECTOR_SHIFT);
    while (from < to) {
      int mismatch = Arrays.mismatch(imageBytes, from, to, baseBytes, from, to);
      if (mismatch < 0) {
        return;
      }
      int sector = (from + mismatch) >>> VhdFormat.SECTOR_SHIFT;
      int sectorEnd = (sector + 1) << VhdFormat.SECTOR_SHIFT;
      // Extend over the following sectors that differ too.
      while (sectorEnd < to && Arrays.mismatch(imageBytes, sectorEnd, sectorEnd + VhdFormat.SECTOR_SIZE, baseBytes, sectorEnd,
          sectorEnd + VhdFormat.SECTOR_SIZE) >= 0) {
        sectorEnd += VhdFormat.SECTOR_SIZE;
      }
      out.add(first + sector, (sectorEnd >>> VhdFormat.SECTOR_SHIFT) - sector, owner);
      from = sectorEnd;
    }
  }

  /** Reads sectors {@code [start, start + length)} of {@code disk}, held by {@code owner}, into {@code into}. */
  private void load(VirtualDisk disk, int owner, long start, int length, byte[] into, long first) throws IOException {
    int offset = (int) (start - first) << VhdFormat.SECTOR_SHIFT;
    int bytes = length << VhdFormat.SECTOR_SHIFT;
    if (owner == BlockRuns.ZEROS) {
      Arrays.fill(into, offset, offset + bytes, (byte) 0);
      return;
    }
    disk.chain().layers().get(owner).image().readHeld(start << VhdFormat.SECTOR_SHIFT, ByteBuffer.wrap(into, offset, bytes));
    bytesRead += bytes;
  }

  /** The image's bytes of the last compared block: valid for its changed sectors. */
  public byte[] imageBytes() {
    return imageBytes;
  }

  /** Bytes compared (of each disk) since this comparison began. */
  public long bytesCompared() {
    return bytesCompared;
  }

  /** Bytes found equal without reading, because both disks resolve them to the same layer file. */
  public long bytesShared() {
    return bytesShared;
  }

  /** Bytes read from the layers' files for sector data. */
  public long bytesRead() {
    return bytesRead;
  }

  private int sectorsIn(long block) {
    if (block < 0 || block >= blockCount()) {
      throw new IndexOutOfBoundsException("block " + block + " of " + blockCount());
    }
    return (int) Math.min(sectorsPerBlock, sectorCount - block * sectorsPerBlock);
  }

  /** Who holds each sector of a range of one disk, as consecutive segments; zeros past its end. */
  private final class Segments {
    private long[] ends = new long[16];
    private int[] owners = new int[16];
    private int count;

    void of(VirtualDisk disk, long first, int length) throws IOException {
      count = 0;
      long end = first + length;
      long diskEnd = Math.min(end, disk.sectorCount());
      int spb = disk.sectorsPerBlock();
      for (long at = first; at < diskEnd; ) {
        int block = (int) (at / spb);
        disk.runs(block, scratch);
        for (int r = scratch.find(at); r < scratch.count() && scratch.start(r) < diskEnd; r++) {
          long runEnd = Math.min(scratch.start(r) + scratch.length(r), diskEnd);
          if (runEnd > at) {
            add(runEnd, scratch.layer(r));
            at = runEnd;
          }
        }
        at = Math.max(at, Math.min((long) (block + 1) * spb, diskEnd));
      }
      if (diskEnd < end) {
        add(end, BlockRuns.ZEROS);
      } else if (count == 0) {
        add(end, BlockRuns.ZEROS);
      }
    }

    private void add(long end, int owner) {
      if (count > 0 && owners[count - 1] == owner) {
        ends[count - 1] = end;
        return;
      }
      if (count == ends.length) {
        ends = Arrays.copyOf(ends, count * 2);
        owners = Arrays.copyOf(owners, count * 2);
      }
      ends[count] = end;
      owners[count] = owner;
      count++;
    }

    long end(int i) {
      return ends[i];
    }

    int owner(int i) {
      return owners[i];
    }
  }
}
