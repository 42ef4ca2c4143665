package io.adapterforge.preprocessing.read;

import java.io.Serializable;

/**
 * One line of a corpus file, or the point where a file could not be read further.
 *
 * @param source the file's URI
 * @param line 1-based line number
 * @param folderAdapter the adapter named by the file's folder, or null
 * @param text the line without its terminator; null for a read failure
 * @param error why reading failed at this line; null for a line that was read
 */
public record RawLine(String source, long line, String folderAdapter, String text, String error)
    implements Serializable {
  static RawLine of(CorpusFile file, long line, String text) {
    return new RawLine(file.path(), line, file.folderAdapter(), text, null);
  }

  static RawLine failure(CorpusFile file, long line, String error) {
    return new RawLine(file.path(), line, file.folderAdapter(), null, error);
  }
}
