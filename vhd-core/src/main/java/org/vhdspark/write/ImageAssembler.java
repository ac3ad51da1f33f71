package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vhdspark.format.Bat;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.ParentLocator;
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
  private static final long BAT_OFFSET = VhdFormat.FOOTER_SIZE + VhdFormat.HEADER_SIZE;

  private final WriteSink sink;
  private final ImageSpec spec;
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

  private ImageAssembler(WriteSink sink, ImageSpec spec, long firstBlockOffset) {
    this.sink = sink;
    this.spec = spec;
    this.bitmapBytes = VhdFormat.bitmapBytes(spec.blockSize());
    this.bat = new int[spec.blockCount()];
    Arrays.fill(bat, VhdFormat.UNALLOCATED);
    this.nextBlockOffset = firstBlockOffset;
  }

  /** Writes the image's metadata to the empty {@code sink} and returns the assembler for its blocks. */
  public static ImageAssembler begin(WriteSink sink, ImageSpec spec) throws IOException {
    long batBytes = Bat.sizeOnDisk(spec.blockCount());
    long at = BAT_OFFSET + batBytes;
    List<ParentLocator> locators = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    for (ImageSpec.Locator locator : spec.locators()) {
      byte[] payload = locator.payload();
      int space = VhdFormat.roundUpToSector(payload.length);
      // Data space in bytes, as Windows and blktap write it (readers take values >= 512 as bytes).
      locators.add(new ParentLocator(locators.size(), locator.platform().code(), space, payload.length, at));
      payloads.add(payload);
      at += space;
    }
    while (locators.size() < ParentLocator.SLOTS) {
      locators.add(new ParentLocator(locators.size(), 0, 0, 0, 0));
    }
    ImageAssembler assembler = new ImageAssembler(sink, spec, at);

    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    spec.footer().writeTo(footer);
    sink.write(0, footer);
    ByteBuffer header = ByteBuffer.allocate(VhdFormat.HEADER_SIZE);
    new DynamicHeader(VhdFormat.NO_OFFSET, BAT_OFFSET, VhdFormat.VERSION_1_0, spec.blockCount(), spec.blockSize(), 0,
        spec.parentUniqueId(), spec.parentTimestamp(), spec.parentName(), locators).writeTo(header);
    sink.write(VhdFormat.FOOTER_SIZE, header);
    assembler.writeBat();
    for (int i = 0; i < payloads.size(); i++) {
      ByteBuffer payload = ByteBuffer.allocate(VhdFormat.roundUpToSector(payloads.get(i).length));
      payload.put(payloads.get(i)).clear();
      sink.write(locators.get(i).dataOffset(), payload);
    }
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
    if (end > 0xFFFFFFFFL << VhdFormat.SECTOR_SHIFT) {
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
    writeBat();
    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    spec.footer().writeTo(footer);
    sink.write(nextBlockOffset, footer);
    sink.sync();
    complete = true;
  }

  private void writeBat() throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Bat.sizeOnDisk(bat.length));
    buf.asIntBuffer().put(bat);
    for (int i = bat.length * 4; i < buf.capacity(); i++) {
      buf.put(i, (byte) 0xFF);
    }
    sink.write(BAT_OFFSET, buf);
  }
}
