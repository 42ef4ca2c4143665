package io.adapterforge.trainer.storage;

import static java.util.Objects.requireNonNull;

import io.adapterforge.trainer.ModelLoadException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A {@link StorageDirectory} on any Hadoop FileSystem. Hadoop is a {@code provided} dependency:
 * this class is only loaded when a non-local URI is opened, so the trainer runs without Hadoop on
 * local paths.
 *
 * <p>Immutable and thread-safe; the {@code FileSystem} instance comes from Hadoop's cache and is
 * not closed here (other users in the same JVM share it).
 */
public final class HadoopDirectory implements StorageDirectory {
  /**
   * Reads go through a heap array of at most this size, since not every stream reads into buffers.
   */
  private static final int READ_PIECE_BYTES = 8 << 20;

  private final FileSystem fileSystem;
  private final Path directory;

  private HadoopDirectory(FileSystem fileSystem, Path directory) {
    this.fileSystem = fileSystem;
    this.directory = directory;
  }

  /**
   * Opens a directory URI with the given Hadoop configuration (for example Spark's {@code
   * sparkContext.hadoopConfiguration()}).
   *
   * @throws IOException if the file system cannot be created
   */
  public static StorageDirectory open(URI directory, Configuration configuration)
      throws IOException {
    requireNonNull(directory, "directory is null");
    requireNonNull(configuration, "configuration is null");
    return new HadoopDirectory(FileSystem.get(directory, configuration), new Path(directory));
  }

  static StorageDirectory openWithDefaultConfiguration(URI directory) {
    try {
      return open(directory, new Configuration());
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot open " + directory + " through Hadoop's FileSystem: " + e.getMessage(), e);
    }
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public String locationOf(String name) {
    return new Path(directory, name).toString();
  }

  @Override
  public boolean exists(String name) throws IOException {
    try {
      return fileSystem.getFileStatus(new Path(directory, name)).isFile();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  @Override
  public ByteSource open(String name) throws IOException {
    Path file = new Path(directory, name);
    FileStatus status = fileSystem.getFileStatus(file);
    return new StreamByteSource(fileSystem.open(file), status.getLen(), file.toString());
  }

  @Override
  public String toString() {
    return location();
  }

  /**
   * Positioned reads on an {@link FSDataInputStream}; Hadoop's {@code PositionedReadable} contract
   * makes them thread-safe and independent of the stream's cursor.
   */
  private static final class StreamByteSource implements ByteSource {
    private final FSDataInputStream stream;
    private final long size;
    private final String location;

    StreamByteSource(FSDataInputStream stream, long size, String location) {
      this.stream = stream;
      this.size = size;
      this.location = location;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void readFully(long position, ByteBuffer target) throws IOException {
      byte[] piece = new byte[Math.min(target.remaining(), READ_PIECE_BYTES)];
      long at = position;
      while (target.hasRemaining()) {
        int length = Math.min(piece.length, target.remaining());
        stream.readFully(at, piece, 0, length);
        target.put(piece, 0, length);
        at += length;
      }
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public void close() throws IOException {
      stream.close();
    }
  }
}
