package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.vhdspark.io.ReadSource;

/** A read source passing every call to another: tests override the calls they fail or count. */
public class ForwardingReadSource implements ReadSource {
  protected final ReadSource delegate;

  public ForwardingReadSource(ReadSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    delegate.readFully(position, dst);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
