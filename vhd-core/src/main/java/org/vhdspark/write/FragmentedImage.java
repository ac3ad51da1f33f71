package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.ReadSource;
import org.vhdspark.io.WriteSink;

/**
 * A new dynamic or differencing image laid out as pieces that can be joined end to end: the head
 * (footer copy, header, BAT, locators), the fragments that {@link FragmentWriter}s wrote, in the
 * given order, and the footer. BAT entries are absolute offsets, so the BAT follows from the
 * fragments' block lists alone; whoever joins the pieces (a file system's concat, a multipart
 * upload, or {@link #copy}) moves no block twice and needs memory for the BAT only.
 */
public final class FragmentedImage {
  private final ImageSpec spec;
  private final ImageHead head;
  private final int[] bat;
  private final long[] fragmentOffsets;
  private final long footerOffset;

  private FragmentedImage(ImageSpec spec, ImageHead head, int[] bat, long[] fragmentOffsets, long footerOffset) {
    this.spec = spec;
    this.head = head;
    this.bat = bat;
    this.fragmentOffsets = fragmentOffsets;
    this.footerOffset = footerOffset;
  }

  /** A fragment as its writer left it: its blocks in order, and its length (padding included). */
  public record Fragment(int[] blocks, long length) {}

  /**
   * The image whose fragments hold {@code fragmentBlocks} (each fragment's blocks in their order,
   * nothing else). A block in two fragments, or outside the image, is an error naming it and the
   * fragments.
   */
  public static FragmentedImage of(ImageSpec spec, List<int[]> fragmentBlocks) {
    long blockBytes = blockBytes(spec);
    return of(spec, fragmentBlocks.stream().map(blocks -> new Fragment(blocks, blocks.length * blockBytes)).toList(), 0);
  }

  /**
   * The image whose fragments are {@code fragments}, with the head padded to at least
   * {@code minimumHead} bytes (S3 joins parts of at least 5 MiB): blocks lie where their fragment
   * puts them, and a fragment may end in padding. A block in two fragments, outside the image, or a
   * fragment shorter than its blocks, is an error naming it.
   */
  public static FragmentedImage of(ImageSpec spec, List<Fragment> fragments, long minimumHead) {
    ImageHead head = ImageHead.of(spec, minimumHead);
    long blockBytes = blockBytes(spec);
    int[] bat = new int[spec.blockCount()];
    Arrays.fill(bat, VhdFormat.UNALLOCATED);
    int[] owner = new int[spec.blockCount()];
    long[] offsets = new long[fragments.size()];
    long at = head.length();
    for (int f = 0; f < fragments.size(); f++) {
      Fragment fragment = fragments.get(f);
      if (fragment.length() < fragment.blocks().length * blockBytes || fragment.length() % VhdFormat.SECTOR_SIZE != 0) {
        throw new IllegalArgumentException("fragment " + f + " has " + fragment.length() + " bytes, its "
            + fragment.blocks().length + " blocks take " + fragment.blocks().length * blockBytes);
      }
      if (at + fragment.length() > VhdFormat.MAX_BLOCK_END) {
        throw new IllegalArgumentException("the image would pass 2 TiB, beyond what a BAT can address");
      }
      offsets[f] = at;
      long blockAt = at;
      for (int block : fragment.blocks()) {
        if (block < 0 || block >= bat.length) {
          throw new IllegalArgumentException("fragment " + f + " holds block " + block + ", outside the image's " + bat.length + " blocks");
        }
        if (bat[block] != VhdFormat.UNALLOCATED) {
          throw new IllegalArgumentException("block " + block + " is in fragments " + owner[block] + " and " + f);
        }
        bat[block] = (int) (blockAt >>> VhdFormat.SECTOR_SHIFT);
        owner[block] = f;
        blockAt += blockBytes;
      }
      at += fragment.length();
    }
    return new FragmentedImage(spec, head, bat, offsets, at);
  }

  private static long blockBytes(ImageSpec spec) {
    return VhdFormat.bitmapBytes(spec.blockSize()) + (long) spec.blockSize();
  }

  public ImageSpec spec() {
    return spec;
  }

  /** Bytes of the head: the first fragment starts here. */
  public long headLength() {
    return head.length();
  }

  /** Where fragment {@code index} starts in the image. */
  public long fragmentOffset(int index) {
    return fragmentOffsets[index];
  }

  /** Where the footer goes: right after the last fragment. */
  public long footerOffset() {
    return footerOffset;
  }

  /** The whole image's size in bytes. */
  public long size() {
    return footerOffset + VhdFormat.FOOTER_SIZE;
  }

  /** Writes the head, with the BAT of every fragment's blocks, at offset 0 of {@code sink}. */
  public void writeHead(WriteSink sink) throws IOException {
    head.write(sink, bat);
  }

  /** The head as {@link #headLength()} bytes in memory (padding included), for joins that take pieces. */
  public ByteBuffer head() throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(headLength()));
    head.write(new WriteSink() {
      @Override
      public String name() {
        return "image head";
      }

      @Override
      public void write(long position, ByteBuffer src) {
        bytes.put(Math.toIntExact(position), src, src.position(), src.remaining());
        src.position(src.limit());
      }

      @Override
      public void sync() {}

      @Override
      public void close() {}
    }, bat);
    return bytes;
  }

  /** The footer's 512 bytes, for the end of the image. */
  public ByteBuffer footer() {
    return head.footer();
  }

  /**
   * Joins the pieces by copying, where the file system has no join of its own: the head, every
   * fragment (each must have exactly the length its blocks take), the footer, then a sync. Copies
   * through one buffer of {@code bufferBytes}.
   */
  public void copy(List<? extends ReadSource> fragments, WriteSink out, int bufferBytes) throws IOException {
    if (fragments.size() != fragmentOffsets.length) {
      throw new IllegalArgumentException(out.name() + ": " + fragments.size() + " fragments given, "
          + fragmentOffsets.length + " laid out");
    }
    writeHead(out);
    ByteBuffer buffer = ByteBuffer.allocate(bufferBytes);
    for (int f = 0; f < fragments.size(); f++) {
      ReadSource fragment = fragments.get(f);
      long expected = (f + 1 < fragmentOffsets.length ? fragmentOffsets[f + 1] : footerOffset) - fragmentOffsets[f];
      if (fragment.size() != expected) {
        throw new IOException(fragment.name() + ": fragment " + f + " has " + fragment.size() + " bytes, its blocks take "
            + expected);
      }
      for (long done = 0; done < expected; ) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), expected - done));
        fragment.readFully(done, buffer);
        out.write(fragmentOffsets[f] + done, buffer.flip());
        done += buffer.limit();
      }
    }
    out.write(footerOffset, footer());
    out.sync();
  }
}
