package org.vhdspark.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.vhdspark.VhdException;
import org.vhdspark.format.Bits;
import org.vhdspark.format.VhdFormat;

/**
 * The disk a chain presents: every sector belongs to the nearest layer whose file holds it (its
 * bitmap bit is set; every sector of a fixed image), or reads as zeros when none does.
 *
 * <p>Two views: {@link #resolved} over a whole chain, and {@link #delta} over one image alone (only
 * the sectors the file itself stores; everything else reads as zeros; no parent needed).
 *
 * <p>Work is per block of the top image: the layers' presence bits are gathered as 64-bit words, the
 * owner of every sector is decided with word operations, and each run of one owner is read with one
 * positional read. Memory is a few bitmaps whatever the disk size. Not safe for concurrent use.
 */
public final class VirtualDisk implements Closeable {
  private static final byte[] ZERO_BYTES = new byte[64 * 1024];
  private final VhdChain chain;
  private final VhdImage[] layers;
  private final long sectorCount;
  private final int sectorsPerBlock;
  private final long[][] presence;
  private final long[] unowned;
  private final BlockRuns runs = new BlockRuns();

  private VirtualDisk(VhdChain chain, List<VhdImage> layers) {
    this.chain = chain;
    this.layers = layers.toArray(VhdImage[]::new);
    VhdImage top = layers.get(0);
    this.sectorCount = top.sectorCount();
    this.sectorsPerBlock = top.sectorsPerBlock();
    int words = Bits.words(sectorsPerBlock);
    this.presence = new long[layers.size()][words];
    this.unowned = new long[words];
  }

  /** The whole chain's disk. The chain must be complete (end in a fixed or dynamic image). */
  public static VirtualDisk resolved(VhdChain chain) throws VhdException {
    if (!chain.isComplete()) {
      throw new VhdException(chain.image().name() + ": the resolved view needs every parent; open the chain with its parents");
    }
    return new VirtualDisk(chain, chain.layers().stream().map(VhdChain.Layer::image).toList());
  }

  /**
   * The disk of the top image's parent: layers 1 and below. What a writer of the top image reads
   * where the image holds nothing. Closing it closes the whole chain.
   */
  public static VirtualDisk ancestors(VhdChain chain) throws VhdException {
    if (chain.depth() < 2 || !chain.isComplete()) {
      throw new VhdException(chain.image().name() + ": no complete parent chain to read from");
    }
    return new VirtualDisk(chain, chain.layers().subList(1, chain.depth()).stream().map(VhdChain.Layer::image).toList());
  }

  /** Only the sectors the chain's top image stores itself; its parents are not used. */
  public static VirtualDisk delta(VhdChain chain) {
    return new VirtualDisk(chain, List.of(chain.image()));
  }

  public VhdChain chain() {
    return chain;
  }

  /** Number of layers this view reads: 1 for the delta view. */
  public int layerCount() {
    return layers.length;
  }

  public long size() {
    return sectorCount << VhdFormat.SECTOR_SHIFT;
  }

  public long sectorCount() {
    return sectorCount;
  }

  public int sectorsPerBlock() {
    return sectorsPerBlock;
  }

  public int blockCount() {
    return (int) ((sectorCount + sectorsPerBlock - 1) / sectorsPerBlock);
  }

  /** Whether any layer of this view stores a sector of {@code block}; reads BATs only. */
  public boolean isBlockAllocatedAnywhere(int block) {
    return holdsAny((long) block * sectorsPerBlock, sectorsIn(block));
  }

  /**
   * Whether any layer has a block allocated over sectors {@code [first, first + count)}: reads BATs
   * only, so it may say yes for sectors whose bitmap bits are clear, never no for stored ones.
   */
  public boolean holdsAny(long first, int count) {
    for (VhdImage layer : layers) {
      if (anyAllocated(layer, first, count)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether layer {@code layer} of this view has a block allocated over sectors {@code [first, first
   * + count)}: reads its BAT only (a fixed layer holds every sector of its disk).
   */
  public boolean layerHoldsAny(int layer, long first, int count) {
    return anyAllocated(layers[layer], first, count);
  }

  /**
   * Computes the runs of {@code block} into {@code out}: in sector order, covering the block, adjacent
   * runs of one owner merged. Reads at most one bitmap per layer. When a read fails, {@code out}
   * holds no block, so a retry computes it again.
   */
  public BlockRuns runs(int block, BlockRuns out) throws IOException {
    if (block < 0 || block >= blockCount()) {
      throw new IndexOutOfBoundsException("block " + block + " of " + blockCount());
    }
    out.invalidate();
    long first = (long) block * sectorsPerBlock;
    int count = sectorsIn(block);
    int words = Bits.words(count);
    java.util.Arrays.fill(unowned, 0, words, -1L);
    if ((count & 63) != 0) {
      unowned[words - 1] = Bits.mask(0, count & 63);
    }
    int used = 0;
    for (int k = 0; k < layers.length && !isEmpty(unowned, words); k++) {
      long[] mine = presence[k];
      if (!anyAllocated(layers[k], first, count)) {
        java.util.Arrays.fill(mine, 0, words, 0L);
      } else {
        layers[k].presence(first, count, mine, 0);
        for (int w = 0; w < words; w++) {
          long owned = mine[w] & unowned[w];
          mine[w] = owned;
          unowned[w] &= ~owned;
        }
      }
      used = k + 1;
    }
    // Only now that every bitmap was read does out describe the block.
    out.reset(block);
    int sector = 0;
    while (sector < count) {
      int owner = BlockRuns.ZEROS;
      long[] bits = unowned;
      for (int k = 0; k < used; k++) {
        if (Bits.get(presence[k], sector)) {
          owner = k;
          bits = presence[k];
          break;
        }
      }
      int length = onesFrom(bits, sector, count);
      out.add(first + sector, length, owner);
      sector += length;
    }
    return out;
  }

  /** Reads virtual bytes from {@code offset} into {@code dst}: one positional read per run. */
  public void read(long offset, ByteBuffer dst) throws IOException {
    if (offset < 0 || offset > size() - dst.remaining()) {
      throw new java.io.EOFException(String.format("%s: read of %,d bytes at offset %,d passes the end of the disk (%,d bytes)",
          chain.image().name(), dst.remaining(), offset, size()));
    }
    int end = dst.limit();
    try {
      while (dst.hasRemaining()) {
        long sector = offset >>> VhdFormat.SECTOR_SHIFT;
        int block = (int) (sector / sectorsPerBlock);
        if (runs.block() != block) {
          runs(block, runs);
        }
        int i = runs.find(sector);
        long runEnd = (runs.start(i) + runs.length(i)) << VhdFormat.SECTOR_SHIFT;
        int n = (int) Math.min(dst.remaining(), runEnd - offset);
        dst.limit(dst.position() + n);
        if (runs.layer(i) == BlockRuns.ZEROS) {
          fillZeros(dst);
        } else {
          layers[runs.layer(i)].readHeld(offset, dst);
        }
        dst.limit(end);
        offset += n;
      }
    } finally {
      dst.limit(end);
    }
  }

  private static void fillZeros(ByteBuffer dst) {
    while (dst.hasRemaining()) {
      dst.put(ZERO_BYTES, 0, Math.min(dst.remaining(), ZERO_BYTES.length));
    }
  }

  private int sectorsIn(int block) {
    return (int) Math.min(sectorsPerBlock, sectorCount - (long) block * sectorsPerBlock);
  }

  /** Whether {@code layer} has any block allocated over {@code [first, first + count)}: BAT only. */
  private static boolean anyAllocated(VhdImage layer, long first, int count) {
    long end = Math.min(first + count, layer.sectorCount());
    int spb = layer.sectorsPerBlock();
    for (long sector = first; sector < end; sector = (sector / spb + 1) * spb) {
      if (layer.isBlockAllocated((int) (sector / spb))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isEmpty(long[] words, int count) {
    for (int w = 0; w < count; w++) {
      if (words[w] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Length of the run of set bits in {@code bits} starting at {@code from}, not past {@code limit}. */
  static int onesFrom(long[] bits, int from, int limit) {
    int at = from;
    while (at < limit) {
      int offset = at & 63;
      int ones = Long.numberOfLeadingZeros(~(bits[at >>> 6] << offset));
      at += ones;
      if (ones < 64 - offset) {
        break;
      }
    }
    return Math.min(at, limit) - from;
  }

  @Override
  public void close() throws IOException {
    chain.close();
  }
}
