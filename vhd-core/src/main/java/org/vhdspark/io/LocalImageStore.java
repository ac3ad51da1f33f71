package org.vhdspark.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Images on the local file system. */
public final class LocalImageStore implements ImageStore {
  public static final LocalImageStore INSTANCE = new LocalImageStore();

  private LocalImageStore() {}

  @Override
  public ReadSource open(Location location) throws IOException {
    return FileReadSource.open(location.toPath());
  }

  @Override
  public ReadWriteFile create(Location location) throws IOException {
    return LocalFile.create(location.toPath());
  }

  @Override
  public ReadWriteFile openForUpdate(Location location) throws IOException {
    return LocalFile.openForUpdate(location.toPath());
  }

  @Override
  public void rename(Location source, Location target) throws IOException {
    LocalFile.publish(source.toPath(), target.toPath());
  }

  @Override
  public void delete(Location location) throws IOException {
    Files.deleteIfExists(location.toPath());
  }

  @Override
  public long modificationTime(Location location) throws IOException {
    return Files.getLastModifiedTime(location.toPath()).toInstant().getEpochSecond();
  }

  @Override
  public boolean exists(Location location) {
    return location.isLocal() && Files.isRegularFile(location.toPath());
  }

  @Override
  public Location canonical(Location location) throws IOException {
    Path path = location.toPath();
    return Files.exists(path) ? Location.of(path.toRealPath()) : location;
  }
}
