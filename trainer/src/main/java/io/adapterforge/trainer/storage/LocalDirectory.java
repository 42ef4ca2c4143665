package io.adapterforge.trainer.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link StorageDirectory} on the local file system. Immutable. */
final class LocalDirectory implements StorageDirectory {
  private final Path directory;

  LocalDirectory(Path directory) {
    this.directory = directory;
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public String locationOf(String name) {
    return directory.resolve(name).toString();
  }

  @Override
  public boolean exists(String name) {
    return Files.isRegularFile(directory.resolve(name));
  }

  @Override
  public ByteSource open(String name) throws IOException {
    Path file = directory.resolve(name);
    return new FileByteSource(FileChannel.open(file, StandardOpenOption.READ), file.toString());
  }

  @Override
  public String toString() {
    return location();
  }

  /** Positioned reads on a {@link FileChannel}, which are thread-safe and keep no cursor. */
  static final class FileByteSource implements ByteSource {
    private final FileChannel channel;
    private final String location;

    FileByteSource(FileChannel channel, String location) {
      this.channel = channel;
      this.location = location;
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void readFully(long position, ByteBuffer target) throws IOException {
      long at = position;
      while (target.hasRemaining()) {
        int read = channel.read(target, at);
        if (read < 0) {
          throw new EOFException(
              String.format(
                  "%s ends at byte %d, before the %d bytes wanted from %d",
                  location, at, target.remaining(), position));
        }
        at += read;
      }
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
