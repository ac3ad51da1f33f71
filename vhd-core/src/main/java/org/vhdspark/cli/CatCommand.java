package org.vhdspark.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VirtualDisk;

/**
 * {@code vhd cat IMAGE [--delta] [-o FILE]}: the virtual disk as raw bytes. Reads a block at a time
 * into one buffer; into a regular file, blocks no layer allocates are skipped, leaving holes.
 */
final class CatCommand implements Command {
  /** Bounds the buffer whatever the block size (the format allows up to 256 MiB). */
  private static final int MAX_CHUNK = 4 << 20;

  @Override
  public String name() {
    return "cat";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.DELTA, Option.OUTPUT);
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Optional<String> output = invocation.line().value(Option.OUTPUT).filter(file -> !file.equals("-"));
    try (VirtualDisk disk = invocation.openDisk()) {
      if (output.isEmpty()) {
        WritableByteChannel out = invocation.binary();
        copy(disk, false, (bytes, offset) -> {
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
        });
        return VhdCli.EXIT_OK;
      }
      Path file = Path.of(output.get());
      refuseToOverwriteALayer(disk, file);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        // Holes only in regular files: a device keeps whatever it held where nothing is written.
        boolean sparse = Files.isRegularFile(file);
        copy(disk, sparse, (bytes, offset) -> {
          while (bytes.hasRemaining()) {
            channel.write(bytes, offset + bytes.position());
          }
        });
        if (sparse && channel.size() < disk.size()) {
          channel.write(ByteBuffer.allocate(1), disk.size() - 1);
        }
      }
    }
    return VhdCli.EXIT_OK;
  }

  /** Truncating the output must never destroy an image being read. */
  private static void refuseToOverwriteALayer(VirtualDisk disk, Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    for (VhdChain.Layer layer : disk.chain().layers()) {
      if (layer.location().isLocal() && Files.isSameFile(file, layer.location().toPath())) {
        throw new IOException("-o " + file + " is " + layer.location() + ", an image of the chain being read; not overwriting it");
      }
    }
  }

  /** Where the bytes go: {@code bytes} hold the disk's bytes from {@code offset}. */
  private interface Sink {
    void write(ByteBuffer bytes, long offset) throws IOException;
  }

  /** Writes the disk in order; with {@code skipUnallocated}, blocks no layer allocates are not written at all. */
  private static void copy(VirtualDisk disk, boolean skipUnallocated, Sink sink) throws IOException {
    long blockBytes = (long) disk.sectorsPerBlock() * 512;
    ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.min(blockBytes, MAX_CHUNK));
    for (int block = 0; block < disk.blockCount(); block++) {
      if (skipUnallocated && !disk.isBlockAllocatedAnywhere(block)) {
        continue;
      }
      long blockEnd = Math.min((block + 1) * blockBytes, disk.size());
      for (long offset = block * blockBytes; offset < blockEnd; offset += buffer.capacity()) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), blockEnd - offset));
        disk.read(offset, buffer);
        sink.write(buffer.flip(), offset);
      }
    }
  }
}
