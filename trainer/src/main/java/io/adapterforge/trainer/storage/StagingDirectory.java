package io.adapterforge.trainer.storage;

import static java.util.Objects.requireNonNull;

import io.adapterforge.trainer.TrainingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A local folder written in full before it appears: files go into a hidden temporary folder beside
 * the target ({@code .<name>.<random>.tmp}), each forced to disk, and {@link #commit} renames the
 * folder into place in one atomic move. Readers see the old folder or the complete new one, never a
 * half-written one; {@link #close()} without a commit deletes the temporary folder.
 *
 * <p>Local file systems only (a rename on object stores is not atomic). Not thread-safe.
 */
public final class StagingDirectory implements AutoCloseable {
  private static final int COPY_CHUNK_BYTES = 16 << 20;

  private final Path target;
  private final Path staging;
  private boolean committed;

  private StagingDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Creates the temporary folder beside {@code target} (and {@code target}'s parent folders).
   *
   * @throws TrainingException if the folder cannot be created
   */
  public static StagingDirectory beside(Path target) {
    Path absolute = requireNonNull(target, "target is null").toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (parent == null || absolute.getFileName() == null) {
      throw new IllegalArgumentException("Cannot write a folder at " + target);
    }
    try {
      Files.createDirectories(parent);
      Path staging =
          Files.createDirectory(
              parent.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp"));
      return new StagingDirectory(absolute, staging);
    } catch (IOException e) {
      throw new TrainingException("Cannot create a folder beside " + target + ": " + e, e);
    }
  }

  /** The temporary folder to write into. */
  public Path path() {
    return staging;
  }

  /** The folder it becomes. */
  public Path target() {
    return target;
  }

  /** Writes a file of the temporary folder and forces it to disk. */
  public void write(String name, byte[] bytes) {
    Path file = staging.resolve(name);
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException e) {
      throw new TrainingException("Cannot write " + file + ": " + e, e);
    }
  }

  /**
   * Copies {@code name} from {@code source} (local or Hadoop) into the temporary folder, in chunks.
   */
  public void copy(StorageDirectory source, String name) {
    Path file = staging.resolve(name);
    try (ByteSource input = source.open(name);
        FileChannel output =
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = input.size();
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Math.max(size, 1), COPY_CHUNK_BYTES));
      for (long position = 0; position < size; position += buffer.capacity()) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), size - position));
        input.readFully(position, buffer);
        buffer.flip();
        while (buffer.hasRemaining()) {
          output.write(buffer);
        }
      }
      output.force(true);
    } catch (IOException e) {
      throw new TrainingException(
          "Cannot copy " + source.locationOf(name) + " to " + file + ": " + e, e);
    }
  }

  /**
   * Moves the temporary folder to the target. An existing target is replaced when {@code replace}
   * (it is moved aside first, then deleted); otherwise only an empty target folder may be there.
   *
   * @throws TrainingException if the target exists and may not be replaced, or the move fails
   */
  public void commit(boolean replace) {
    if (committed) {
      throw new IllegalStateException("Cannot commit " + target + " twice");
    }
    Path aside = null;
    try {
      if (Files.exists(target)) {
        if (replace) {
          aside =
              target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".old");
          Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        } else if (isAbsentOrEmpty(target)) {
          Files.delete(target);
        } else {
          throw new TrainingException(
              "Cannot write " + target + ": it exists and is not an empty folder");
        }
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
      committed = true;
      forceDirectory(target.getParent());
      if (aside != null) {
        deleteRecursively(aside);
      }
    } catch (IOException e) {
      throw new TrainingException("Cannot move " + staging + " to " + target + ": " + e, e);
    }
  }

  /** Deletes the temporary folder unless it was committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        deleteRecursively(staging);
      } catch (IOException e) {
        throw new TrainingException("Cannot delete " + staging + ": " + e, e);
      }
    }
  }

  /**
   * Whether {@code path} does not exist or is an empty folder: whether {@link #commit
   * commit(false)} may put a folder there.
   */
  public static boolean isAbsentOrEmpty(Path path) {
    if (!Files.exists(path)) {
      return true;
    }
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void forceDirectory(Path directory) {
    // Makes the rename durable on Linux; elsewhere opening a folder may fail, harmlessly.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Best effort.
    }
  }

  /** Deletes a file or a folder with everything in it; nothing if it does not exist. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(entry);
      }
    }
  }
}
