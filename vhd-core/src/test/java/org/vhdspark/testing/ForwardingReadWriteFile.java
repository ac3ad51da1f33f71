package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vhdspark.io.ReadWriteFile;

/** A file passing every call to another: tests override the writes, truncations and syncs they fail or record. */
public class ForwardingReadWriteFile extends ForwardingReadSource implements ReadWriteFile {
  private final ReadWriteFile file;

  public ForwardingReadWriteFile(ReadWriteFile file) {
    super(file);
    this.file = file;
  }

  @Override
  public void write(long position, ByteBuffer src) throws IOException {
    file.write(position, src);
  }

  @Override
  public void truncate(long size) throws IOException {
    file.truncate(size);
  }

  @Override
  public void sync() throws IOException {
    file.sync();
  }
}
