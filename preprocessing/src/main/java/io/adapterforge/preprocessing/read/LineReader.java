package io.adapterforge.preprocessing.read;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Streams the lines of one corpus file with their 1-based numbers, decompressing by extension.
 * Memory is bounded by the longest line. A read error (a truncated gzip, say) ends the file with
 * one {@link RawLine#failure} naming the line it stopped at, so no input vanishes silently. Blank
 * lines are returned too (callers count them). Not thread-safe; close it when done.
 */
public final class LineReader implements Iterator<RawLine>, AutoCloseable {
  private final CorpusFile file;
  private final BufferedReader reader;
  private long lineNumber;
  private RawLine next;
  private boolean done;

  public LineReader(CorpusFile file, Configuration conf) {
    this.file = file;
    try {
      Path path = new Path(file.path());
      FileSystem fs = path.getFileSystem(conf);
      InputStream in = fs.open(path);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      if (codec != null) {
        in = codec.createInputStream(in);
      }
      this.reader = new BufferedReader(new InputStreamReader(in, UTF_8), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + file.path() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public RawLine next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RawLine result = next;
    next = null;
    return result;
  }

  private RawLine advance() {
    try {
      String line = reader.readLine();
      if (line == null) {
        done = true;
        close();
        return null;
      }
      lineNumber++;
      return RawLine.of(file, lineNumber, line);
    } catch (IOException | RuntimeException e) {
      done = true;
      close();
      return RawLine.failure(file, lineNumber + 1, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      // Closing a reader we finished with: nothing is lost.
    }
  }
}
