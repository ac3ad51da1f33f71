package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.WriteSink;

/**
 * Builds a new dynamic or differencing image from whole blocks that may arrive in any order, from
 * many threads. Streaming: the footer copy, header, BAT and locators are written first, then each
 * block as it comes, then the BAT and the footer. Memory is the BAT, never the data.
 *
 * <p>Layout: footer copy at 0, header at 512, BAT at 1536, locator payloads, blocks, footer. Until
 * {@link #finish()} the file reads as an empty image through its footer copy; a half-built image is
 * therefore never mistaken for a complete one with wrong contents, and callers publish the file
 * (e.g. rename it into place) only after {@code finish}.
 */
public final class ImageAssembler {
  private final WriteSink sink;
  private final ImageSpec spec;
  private final ImageHead head;
  private final int bitmapBytes;
  private final int[] bat;
  private long nextBlockOffset;
  /** No more blocks are taken: finish has begun. */
  private boolean finished;
  /** The BAT and footer are written and synced. */
  private boolean complete;
  /** Blocks whose offset is reserved but whose bytes are still being written. */
  private int inFlight;
  /** The first block write that failed: the image must not be finished with that block in its BAT. */
  private IOException failure;

  private ImageAssembler(WriteSink sink, ImageSpec spec, ImageHead head) {
    this.sink = sink;
    this.spec = spec;
    this.head = head;
    this.bitmapBytes = VhdFormat.bitmapBytes(spec.blockSize());
    this.bat = new int[spec.blockCount()];
    Arrays.fill(bat, VhdFormat.UNALLOCATED);
    this.nextBlockOffset = head.length();
  }

  /** Writes the image's metadata to the empty {@code sink} and returns the assembler for its blocks. */
  public static ImageAssembler begin(WriteSink sink, ImageSpec spec) throws IOException {
    ImageHead head = ImageHead.of(spec);
    ImageAssembler assembler = new ImageAssembler(sink, spec, head);
    head.write(sink, assembler.bat);
    return assembler;
  }

  public ImageSpec spec() {
    return spec;
  }

  /**
   * Adds block {@code index}: its bitmap ({@code bitmapBytes} bytes, MSB first) and its data (the
   * full block size, zeros where nothing is stored). Thread-safe; each block at most once.
   */
  public void addBlock(int index, ByteBuffer bitmap, ByteBuffer data) throws IOException {
    if (bitmap.remaining() != bitmapBytes || data.remaining() != spec.blockSize()) {
      throw new IllegalArgumentException("block " + index + " needs a " + bitmapBytes + "-byte bitmap and "
          + spec.blockSize() + " bytes of data, got " + bitmap.remaining() + " and " + data.remaining());
    }
    long offset = reserve(index);
    try {
      sink.write(offset, bitmap);
      sink.write(offset + bitmapBytes, data);
      written(null);
    } catch (IOException | RuntimeException e) {
      written(e instanceof IOException io ? io : new IOException(sink.name() + ": block " + index + " failed: " + e, e));
      throw e;
    }
  }

  private synchronized long reserve(int index) throws IOException {
    if (finished) {
      throw new IllegalStateException(sink.name() + ": image already finished");
    }
    if (failure != null) {
      throw new IOException(sink.name() + ": an earlier block failed to write", failure);
    }
    if (index < 0 || index >= bat.length) {
      throw new IllegalArgumentException("block " + index + " outside the image's " + bat.length + " blocks");
    }
    if (bat[index] != VhdFormat.UNALLOCATED) {
      throw new IllegalArgumentException("block " + index + " added twice");
    }
    long offset = nextBlockOffset;
    long end = offset + bitmapBytes + (long) spec.blockSize();
    if (end > VhdFormat.MAX_BLOCK_END) {
      throw new IOException(sink.name() + ": image would pass 2 TiB, beyond what a BAT can address");
    }
    nextBlockOffset = end;
    bat[index] = (int) (offset >>> VhdFormat.SECTOR_SHIFT);
    inFlight++;
    return offset;
  }

  private synchronized void written(IOException failed) {
    if (failed != null && failure == null) {
      failure = failed;
    }
    inFlight--;
    notifyAll();
  }

  /**
   * Waits for the blocks other threads are still writing, then writes the BAT and the footer and makes
   * the image durable. Fails, writing nothing more, if any block failed to write.
   */
  public synchronized void finish() throws IOException {
    if (complete) {
      return;
    }
    finished = true;
    while (inFlight > 0) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException(sink.name() + ": interrupted while waiting for blocks being written");
      }
    }
    if (failure != null) {
      throw new IOException(sink.name() + ": not finished, a block failed to write: " + failure.getMessage(), failure);
    }
    sink.sync();
    ImageHead.writeBat(sink, bat);
    sink.write(nextBlockOffset, head.footer());
    sink.sync();
    complete = true;
  }
}
