package org.vhdspark.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.Location;
import org.vhdspark.write.AtomicOutput;

/**
 * {@code vhd cat IMAGE [--delta] [-o FILE [--force]]}: the virtual disk as raw bytes. Reads a block at
 * a time into one buffer; into a regular file, blocks no layer allocates are skipped, leaving holes.
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
    return Set.of(Option.DELTA, Option.OUTPUT, Option.FORCE);
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Optional<String> output = invocation.line().value(Option.OUTPUT).filter(file -> !file.equals("-"));
    if (output.isEmpty() && invocation.line().has(Option.FORCE)) {
      throw new UsageException("--force only applies to cat -o FILE");
    }
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
      boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
      if (exists) {
        refuseToOverwriteALayer(disk, file);
        if (!invocation.line().has(Option.FORCE)) {
          throw new FileAlreadyExistsException(file.toString(), null, "already exists; cat -o replaces a file only with --force");
        }
      }
      if (exists && !Files.isRegularFile(file)) {
        writeInPlace(disk, file);
      } else {
        writeAtomically(disk, file, exists);
      }
    }
    return VhdCli.EXIT_OK;
  }

  /**
   * A regular file is written under a temporary name beside it, then published: a failure leaves
   * nothing behind, and an existing file (with --force) is replaced only by the complete output.
   */
  private static void writeAtomically(VirtualDisk disk, Path file, boolean replace) throws IOException {
    Path temporary = AtomicOutput.temporaryFor(Location.of(file)).toPath();
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        copy(disk, true, at(channel));
        // Holes at the end: the file must still have the disk's size.
        if (channel.size() < disk.size()) {
          channel.write(ByteBuffer.allocate(1), disk.size() - 1);
        }
        channel.force(true);
      }
      if (replace) {
        LocalFile.replace(temporary, file);
      } else {
        LocalFile.publish(temporary, file);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  /** A device (or another file that is not regular) gets every byte, in place. */
  private static void writeInPlace(VirtualDisk disk, Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      copy(disk, false, at(channel));
    }
  }

  /** Replacing the output must never destroy an image being read, not even with --force. */
  private static void refuseToOverwriteALayer(VirtualDisk disk, Path file) throws IOException {
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

  /** Positional writes into {@code channel}, at the disk's offsets. */
  private static Sink at(FileChannel channel) {
    return (bytes, offset) -> {
      while (bytes.hasRemaining()) {
        channel.write(bytes, offset + bytes.position());
      }
    };
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
