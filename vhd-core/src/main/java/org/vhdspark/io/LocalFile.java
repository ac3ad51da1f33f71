package org.vhdspark.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A local file opened for reading and writing through {@link FileChannel}. */
public final class LocalFile implements ReadWriteFile {
  private final String name;
  private final FileChannel channel;

  private LocalFile(Path path, StandardOpenOption... options) throws IOException {
    this.name = path.toString();
    this.channel = FileChannel.open(path, options);
  }

  /** Creates a new file; fails if one exists, so nothing is ever overwritten by accident. */
  public static LocalFile create(Path path) throws IOException {
    return new LocalFile(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** Opens an existing file to update it in place. */
  public static LocalFile openForUpdate(Path path) throws IOException {
    return new LocalFile(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    ReadSources.checkRange(this, position, dst.remaining());
    ReadSources.readFully(channel, name, position, dst);
  }

  @Override
  public void write(long position, ByteBuffer src) throws IOException {
    long at = position;
    while (src.hasRemaining()) {
      at += channel.write(src, at);
    }
  }

  @Override
  public void sync() throws IOException {
    channel.force(true);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
