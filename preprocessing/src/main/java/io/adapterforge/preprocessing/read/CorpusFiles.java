package io.adapterforge.preprocessing.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists the corpus files under input paths: a path may be a file, a folder (searched recursively)
 * or a glob, on any Hadoop FileSystem. Files whose names start with {@code .} or {@code _} are
 * skipped, as Spark does; so are files that are not JSONL ({@code .jsonl}, {@code .json}, {@code
 * .ndjson}, each optionally compressed with a codec Hadoop knows, e.g. {@code .gz}). Only metadata
 * is read, on the driver.
 */
public final class CorpusFiles {
  private static final List<String> EXTENSIONS = List.of(".jsonl", ".json", ".ndjson");
  private static final List<String> COMPRESSIONS = List.of("", ".gz", ".bz2", ".zst", ".deflate");

  private CorpusFiles() {}

  /**
   * Lists the files, sorted by path so that every run sees them in the same order.
   *
   * @throws IllegalArgumentException when an input matches nothing or holds no corpus file
   */
  public static List<CorpusFile> list(Configuration conf, List<String> inputs) {
    List<CorpusFile> files = new ArrayList<>();
    for (String input : inputs) {
      try {
        Path path = new Path(input);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
          throw new IllegalArgumentException("Cannot read input " + input + ": no such file");
        }
        int before = files.size();
        for (FileStatus match : matches) {
          if (match.isDirectory()) {
            walk(fs, match.getPath(), match.getPath(), files);
          } else if (isCorpusFile(match.getPath().getName())) {
            files.add(new CorpusFile(match.getPath().toString(), null, match.getLen()));
          }
        }
        if (files.size() == before) {
          throw new IllegalArgumentException(
              "Cannot read input "
                  + input
                  + ": it holds no .jsonl/.json/.ndjson file (optionally .gz)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list input " + input + ": " + e.getMessage(), e);
      }
    }
    files.sort(Comparator.comparing(CorpusFile::path));
    return List.copyOf(files);
  }

  static boolean isCorpusFile(String name) {
    if (name.startsWith(".") || name.startsWith("_")) {
      return false;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    for (String extension : EXTENSIONS) {
      for (String compression : COMPRESSIONS) {
        if (lower.endsWith(extension + compression)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void walk(FileSystem fs, Path root, Path dir, List<CorpusFile> files)
      throws IOException {
    for (FileStatus status : fs.listStatus(dir)) {
      String name = status.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (status.isDirectory()) {
        walk(fs, root, status.getPath(), files);
      } else if (isCorpusFile(name)) {
        files.add(
            new CorpusFile(
                status.getPath().toString(),
                folderUnderRoot(root, status.getPath()),
                status.getLen()));
      }
    }
  }

  private static String folderUnderRoot(Path root, Path file) {
    Path parent = file.getParent();
    if (parent == null || parent.equals(root)) {
      return null;
    }
    Path current = parent;
    while (current.getParent() != null && !current.getParent().equals(root)) {
      current = current.getParent();
    }
    return current.getParent() == null ? null : current.getName();
  }
}
