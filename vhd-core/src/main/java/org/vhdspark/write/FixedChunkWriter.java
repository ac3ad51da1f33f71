package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.WriteSink;

/**
 * Writes one chunk of a new fixed image (see {@link FixedChunks}) from the blocks a
 * {@link FragmentBuilder} hands on, in ascending order: their data in place (bitmaps have no place
 * in a fixed image), zeros between and after them, and the footer after the last chunk. Appends
 * only, so any output stream can take it. Not thread-safe.
 */
public final class FixedChunkWriter implements BlockSink {
  private final WriteSink sink;
  private final FixedChunks layout;
  private final int chunk;
  private final long firstBlock;
  private long written;
  private boolean finished;

  public FixedChunkWriter(WriteSink sink, FixedChunks layout, int chunk) {
    if (chunk < 0 || chunk >= layout.chunkCount()) {
      throw new IllegalArgumentException(sink.name() + ": chunk " + chunk + " outside the image's " + layout.chunkCount() + " chunks");
    }
    this.sink = sink;
    this.layout = layout;
    this.chunk = chunk;
    this.firstBlock = layout.chunkOffset(chunk) / FixedChunks.BLOCK_BYTES;
  }

  @Override
  public void addBlock(int index, ByteBuffer bitmap, ByteBuffer data) throws IOException {
    if (finished) {
      throw new IllegalStateException(sink.name() + ": block " + index + " added after the chunk was finished");
    }
    if (layout.chunkOfBlock(index) != chunk) {
      throw new IllegalArgumentException(sink.name() + ": block " + index + " is not in chunk " + chunk);
    }
    long at = (index - firstBlock) * FixedChunks.BLOCK_BYTES;
    if (at < written) {
      throw new IllegalArgumentException(sink.name() + ": block " + index + " given twice or out of order");
    }
    Zeros.write(sink, written, at - written);
    int length = (int) Math.min(data.remaining(), layout.chunkDataLength(chunk) - at);
    sink.write(at, data.duplicate().limit(data.position() + length));
    written = at + length;
  }

  /** Fills the rest of the chunk with zeros and, after the last chunk, writes the footer. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    long end = layout.chunkDataLength(chunk);
    Zeros.write(sink, written, end - written);
    written = end;
    if (chunk == layout.chunkCount() - 1) {
      sink.write(end, layout.footer());
      written += VhdFormat.FOOTER_SIZE;
    }
    finished = true;
  }

  public int chunk() {
    return chunk;
  }

  /** Bytes written so far; {@link FixedChunks#pieceLength} once finished. */
  public long length() {
    return written;
  }
}
