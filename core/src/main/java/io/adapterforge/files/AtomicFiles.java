package io.adapterforge.files;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a small local file that others read whole (reports, markers, JSON for the next stage) so
 * that a reader sees the old content or the new, never a part: the bytes go to a temporary file
 * beside the target, which is then renamed over it atomically. Stateless.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code content}, creating its folder.
   *
   * @throws UncheckedIOException naming the file when it cannot be written
   */
  public static void write(Path target, byte[] content) {
    requireNonNull(target, "target is null");
    requireNonNull(content, "content is null");
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(temporary, content);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        // The write failed already; that is the error to report.
      }
      throw new UncheckedIOException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** {@link #write(Path, byte[])} of UTF-8 text. */
  public static void write(Path target, CharSequence text) {
    write(target, text.toString().getBytes(StandardCharsets.UTF_8));
  }
}
