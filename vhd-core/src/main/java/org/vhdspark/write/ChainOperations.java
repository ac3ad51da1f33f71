package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.vhdspark.VhdException;
import org.vhdspark.format.Bits;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.BlockRuns;
import org.vhdspark.image.DiskComparison;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;

/**
 * Operations over whole chains: commit a child into its parent, flatten a chain, diff two disks; and
 * repair of one image.
 */
public final class ChainOperations {
  private ChainOperations() {}

  /**
   * Writes every sector the child stores into its parent, as {@code vhd-util coalesce} does; the child
   * is left as it is (it still resolves to the same disk). Returns the number of sectors written.
   */
  public static long commit(ImageStore store, Location child, VhdOptions options) throws IOException {
    try (VhdChain chain = VhdChain.open(store, child, options)) {
      if (!chain.image().isDifferencing()) {
        throw new VhdException(child + ": only a differencing image can be committed into its parent");
      }
      Location parent = chain.layers().get(1).location();
      try (VirtualDisk delta = VirtualDisk.delta(VhdChain.openImageOnly(store, child, options));
          VhdWriter writer = VhdWriter.open(store, parent, options)) {
        if (writer.size() < delta.size()) {
          throw new VhdException(child + ": parent " + parent + " is smaller than the child");
        }
        ByteBuffer buffer = ByteBuffer.allocate(delta.sectorsPerBlock() * VhdFormat.SECTOR_SIZE);
        BlockRuns runs = new BlockRuns();
        long sectors = 0;
        for (int block = 0; block < delta.blockCount(); block++) {
          if (!delta.isBlockAllocatedAnywhere(block)) {
            continue;
          }
          delta.runs(block, runs);
          for (int i = 0; i < runs.count(); i++) {
            if (runs.layer(i) == 0) {
              long offset = runs.start(i) << VhdFormat.SECTOR_SHIFT;
              buffer.clear().limit(runs.length(i) << VhdFormat.SECTOR_SHIFT);
              delta.read(offset, buffer);
              writer.write(offset, buffer.flip());
              sectors += runs.length(i);
            }
          }
        }
        return sectors;
      }
    }
  }

  /**
   * Repairs the image at {@code image} in place, as blktap's {@code vhd-util repair} does, without
   * changing one data sector: a damaged or missing footer at the end is restored from the copy at
   * offset 0 (or the copy from the footer at the end), a torn tail past the last block, or room a
   * writer left unused, is cut off, and a blktap batmap with a wrong checksum or marking blocks full
   * that are not is made true. Only the image itself is opened, with checksums verified, never its
   * parent. Returns the changes made; none for an image with nothing to repair.
   *
   * @throws org.vhdspark.VhdException naming why, with nothing written, when the image cannot be
   *     repaired safely: it does not open (both footers damaged, a damaged header or BAT), its footers
   *     disagree about the disk, or its batmap header is damaged
   */
  public static List<RepairChange> repair(ImageStore store, Location image) throws IOException {
    return ImageRepair.repair(store, image, false);
  }

  /** The changes {@link #repair} would make, writing nothing; it fails where repair would. */
  public static List<RepairChange> planRepair(ImageStore store, Location image) throws IOException {
    return ImageRepair.repair(store, image, true);
  }

  /**
   * Writes the resolved disk of {@code source} as a new fixed or dynamic image. A dynamic result
   * stores exactly the sectors some layer of the chain stores.
   */
  public static void convert(VirtualDisk source, DiskType type, ReadWriteFile target) throws IOException {
    int blockBytes = source.sectorsPerBlock() * VhdFormat.SECTOR_SIZE;
    ByteBuffer data = ByteBuffer.allocate(blockBytes);
    BlockRuns runs = new BlockRuns();
    if (type == DiskType.FIXED) {
      for (int block = 0; block < source.blockCount(); block++) {
        if (!source.isBlockAllocatedAnywhere(block)) {
          continue;
        }
        source.runs(block, runs);
        for (int i = 0; i < runs.count(); i++) {
          if (runs.layer(i) != BlockRuns.ZEROS) {
            long offset = runs.start(i) << VhdFormat.SECTOR_SHIFT;
            data.clear().limit(runs.length(i) << VhdFormat.SECTOR_SHIFT);
            source.read(offset, data);
            target.write(offset, data.flip());
          }
        }
      }
      ImageCreator.createFixed(target, source.size());
      return;
    }
    if (type != DiskType.DYNAMIC) {
      throw new IllegalArgumentException("convert makes fixed or dynamic images, not " + type.label());
    }
    if (blockBytes > VhdFormat.DEFAULT_BLOCK_SIZE) {
      throw new VhdException(source.chain().image().name() + ": blocks of " + blockBytes + " bytes; convert writes at most 2 MiB blocks");
    }
    ImageAssembler assembler = ImageAssembler.begin(target, ImageSpec.dynamic(source.size()).withBlockSize(blockBytes));
    byte[] bitmap = new byte[VhdFormat.bitmapBytes(blockBytes)];
    for (int block = 0; block < source.blockCount(); block++) {
      if (!source.isBlockAllocatedAnywhere(block)) {
        continue;
      }
      source.runs(block, runs);
      Arrays.fill(bitmap, (byte) 0);
      boolean any = false;
      for (int i = 0; i < runs.count(); i++) {
        if (runs.layer(i) != BlockRuns.ZEROS) {
          Bits.setRange(bitmap, (int) (runs.start(i) - (long) block * source.sectorsPerBlock()), runs.length(i));
          any = true;
        }
      }
      if (!any) {
        continue;
      }
      long offset = (long) block * blockBytes;
      int length = (int) Math.min(blockBytes, source.size() - offset);
      data.clear().limit(length);
      source.read(offset, data);
      Arrays.fill(data.array(), length, blockBytes, (byte) 0);
      assembler.addBlock(block, ByteBuffer.wrap(bitmap), data.clear());
    }
    assembler.finish();
  }

  /**
   * Builds, at {@code child}, a differencing child of {@code a} holding exactly the sectors where the
   * disk of {@code b} differs from that of {@code a}, so that the child resolves to {@code b}. Returns
   * the number of sectors that differ.
   */
  public static long diff(ImageStore store, Location a, Location b, Location child, VhdOptions options) throws IOException {
    try (VirtualDisk diskA = VirtualDisk.resolved(VhdChain.open(store, a, options));
        VirtualDisk diskB = VirtualDisk.resolved(VhdChain.open(store, b, options))) {
      if (diskA.size() != diskB.size()) {
        throw new VhdException("cannot diff " + a + " (" + diskA.size() + " bytes) and " + b + " (" + diskB.size()
            + " bytes): the disks differ in size");
      }
      ImageSpec spec = ImageSpec.childOf(diskA.chain().image(), a, child);
      return AtomicOutput.write(store, child, target -> {
        ImageAssembler assembler = ImageAssembler.begin(target, spec);
        long differing = diffInto(diskA, diskB, assembler);
        assembler.finish();
        return differing;
      });
    }
  }

  /**
   * Adds to {@code assembler} the blocks of sectors where {@code b} differs from {@code a}, with
   * {@code b}'s bytes; sectors both resolve to the same layer file are not read.
   */
  private static long diffInto(VirtualDisk a, VirtualDisk b, ImageAssembler assembler) throws IOException {
    int blockBytes = assembler.spec().blockSize();
    DiskComparison comparison = new DiskComparison(b, a, DiskComparison.Mode.CONTENT, blockBytes / VhdFormat.SECTOR_SIZE);
    byte[] bitmap = new byte[VhdFormat.bitmapBytes(blockBytes)];
    byte[] data = new byte[blockBytes];
    BlockRuns changed = new BlockRuns();
    long differing = 0;
    for (int block = 0; block < assembler.spec().blockCount(); block++) {
      if (!comparison.mayDiffer(block)) {
        continue;
      }
      comparison.compare(block, changed);
      if (changed.count() == 0) {
        continue;
      }
      long first = (long) block * comparison.sectorsPerBlock();
      Arrays.fill(bitmap, (byte) 0);
      Arrays.fill(data, (byte) 0);
      for (int i = 0; i < changed.count(); i++) {
        int from = (int) (changed.start(i) - first);
        Bits.setRange(bitmap, from, changed.length(i));
        System.arraycopy(comparison.imageBytes(), from * VhdFormat.SECTOR_SIZE, data, from * VhdFormat.SECTOR_SIZE,
            changed.length(i) * VhdFormat.SECTOR_SIZE);
        differing += changed.length(i);
      }
      assembler.addBlock(block, ByteBuffer.wrap(bitmap), ByteBuffer.wrap(data));
    }
    return differing;
  }
}
