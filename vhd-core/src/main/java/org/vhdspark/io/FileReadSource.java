package org.vhdspark.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A local file read through {@link FileChannel} positional reads. */
public final class FileReadSource implements ReadSource {
  private final String name;
  private final FileChannel channel;
  private final long size;

  private FileReadSource(String name, FileChannel channel) throws IOException {
    this.name = name;
    this.channel = channel;
    this.size = channel.size();
  }

  public static FileReadSource open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new FileReadSource(path.toString(), channel);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    ReadSources.checkRange(this, position, dst.remaining());
    ReadSources.readFully(channel, name, position, dst);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
