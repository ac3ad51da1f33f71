package org.vhdspark.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

  /**
   * Publishes the finished file {@code source} as {@code target}, never replacing a file there, not
   * even one created a moment ago: a hard link fails atomically when {@code target} exists. Where the
   * file system has no hard links, an existence check and a rename do it (a race remains there). The
   * folder is synced, so the new name survives a crash.
   */
  public static void publish(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source);
      Files.delete(source);
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    }
    syncFolder(target);
  }

  /** Replaces {@code target} by the finished file {@code source} in one atomic rename, then syncs the folder. */
  public static void replace(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncFolder(target);
  }

  /** Makes the folder entry of {@code file} durable. Platforms that cannot open a folder (Windows) skip it. */
  private static void syncFolder(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    FileChannel channel;
    try {
      channel = FileChannel.open(folder, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException cannotOpenFolders) {
      return;
    }
    try (channel) {
      channel.force(true);
    }
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
  public void truncate(long size) throws IOException {
    channel.truncate(size);
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
