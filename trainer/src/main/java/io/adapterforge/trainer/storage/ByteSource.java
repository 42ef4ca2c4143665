package io.adapterforge.trainer.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random access to the bytes of one file, by 64-bit position.
 *
 * <p>Implementations are safe for concurrent {@link #readFully} calls from several threads (they
 * use positioned reads and keep no cursor); {@link #close()} must not race with reads.
 */
public interface ByteSource extends Closeable {
  /** The file's length in bytes. */
  long size() throws IOException;

  /**
   * Reads exactly {@code target.remaining()} bytes starting at {@code position} into {@code
   * target}, advancing its position to its limit.
   *
   * @throws java.io.EOFException if the file ends first
   */
  void readFully(long position, ByteBuffer target) throws IOException;

  /** Where the bytes come from (a path or URI), for messages. */
  String location();
}
