package org.vhdspark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.vhdspark.VhdException;
import org.vhdspark.io.Location;
import org.vhdspark.write.VhdWriter;

/**
 * {@code vhd write IMAGE --offset OFFSET [-i FILE]}: the bytes of FILE (or standard input) written
 * into the image's virtual disk at byte OFFSET, streamed a chunk at a time. Prints one JSON line.
 *
 * <p>Input that would pass the end of the disk is an error: a regular file is measured first, so
 * nothing is written; a stream is refused at the first chunk that would pass the end, and the
 * chunks before it stay written.
 */
final class WriteCommand implements Command {
  /** Bytes read and written at a time; chunks after the first start at a multiple of it on the disk. */
  static final int CHUNK = 1 << 20;

  @Override
  public String name() {
    return "write";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.OFFSET, Option.INPUT);
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location image = invocation.image();
    String offsetText = invocation.line().value(Option.OFFSET)
        .orElseThrow(() -> new UsageException("write needs --offset OFFSET, the byte of the disk to write at"));
    long offset = Sizes.parse(Option.OFFSET, offsetText);
    Optional<String> input = invocation.line().value(Option.INPUT).filter(file -> !file.equals("-"));
    Path file = input.isPresent() ? Invocation.location(input.get(), "-i FILE").toPath() : null;
    long written;
    try (InputStream in = file == null ? invocation.stdin() : Files.newInputStream(file);
        VhdWriter writer = VhdWriter.open(invocation.store(), image, invocation.options())) {
      long size = writer.size();
      if (offset > size) {
        throw new VhdException(String.format("%s: --offset %,d is past the end of the disk (%,d bytes)", image, offset, size));
      }
      if (file != null && Files.isRegularFile(file) && Files.size(file) > size - offset) {
        throw new VhdException(String.format("%s: %s holds %,d bytes; written at offset %,d they would pass the end of the disk"
            + " (%,d bytes); nothing written", image, file, Files.size(file), offset, size));
      }
      written = copy(in, writer, image, offset);
    }
    invocation.printLine(JsonWriter.compact().beginObject()
        .field("path", image.toString())
        .field("offset", offset)
        .field("bytes", written)
        .endObject());
    return VhdCli.EXIT_OK;
  }

  /** Streams {@code in} into the disk from {@code offset}; returns the number of bytes written. */
  private static long copy(InputStream in, VhdWriter writer, Location image, long offset) throws IOException {
    byte[] chunk = new byte[CHUNK];
    long size = writer.size();
    long written = 0;
    // The first chunk ends where the disk's chunks do, so later ones are aligned to sectors and blocks.
    int want = (int) (CHUNK - offset % CHUNK);
    while (true) {
      int got = in.readNBytes(chunk, 0, want);
      if (got == 0) {
        return written;
      }
      long at = offset + written;
      if (got > size - at) {
        throw new VhdException(String.format("%s: the input passes the end of the disk (%,d bytes) when written at offset %,d:"
            + " it holds more than %,d bytes; the first %,d bytes were written", image, size, offset, size - offset, written));
      }
      writer.write(at, ByteBuffer.wrap(chunk, 0, got));
      written += got;
      want = CHUNK;
    }
  }
}
