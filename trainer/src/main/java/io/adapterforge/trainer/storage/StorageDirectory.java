package io.adapterforge.trainer.storage;

import static java.util.Objects.requireNonNull;

import io.adapterforge.trainer.ModelLoadException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A folder whose files can be tested for and opened by relative name: a local directory or a
 * directory on a Hadoop FileSystem.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface StorageDirectory {
  /** The folder's location as given (a path or a URI), for messages. */
  String location();

  /** The location of a file in this folder, for messages. */
  String locationOf(String name);

  /** Whether a regular file of that relative name exists. */
  boolean exists(String name) throws IOException;

  /** Opens a file of this folder for positioned reads; the caller closes it. */
  ByteSource open(String name) throws IOException;

  /**
   * Reads a whole small file (a JSON config or index).
   *
   * @throws ModelLoadException if the file is larger than {@code maxBytes} or cannot be read
   */
  default byte[] readSmallFile(String name, int maxBytes) {
    try (ByteSource source = open(name)) {
      long size = source.size();
      if (size > maxBytes) {
        throw new ModelLoadException(
            String.format(
                "Cannot read %s: it has %d bytes, more than the %d expected of this file",
                locationOf(name), size, maxBytes));
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      source.readFully(0, buffer);
      return buffer.array();
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read " + locationOf(name) + ": " + e.getMessage(), e);
    }
  }

  /** A local directory. */
  static StorageDirectory local(Path directory) {
    return new LocalDirectory(requireNonNull(directory, "directory is null"));
  }

  /**
   * A directory given as a local path, a {@code file:} URI, or any other URI, which is then opened
   * through Hadoop's {@code FileSystem} with a default Hadoop configuration. Jobs that need the
   * cluster's Hadoop configuration (credentials, endpoints) use {@link HadoopDirectory#open}
   * directly.
   *
   * @throws ModelLoadException if the URI needs Hadoop and Hadoop is not on the classpath
   */
  static StorageDirectory of(String pathOrUri) {
    requireNonNull(pathOrUri, "pathOrUri is null");
    // A one-letter scheme is a Windows drive ("C:\models"), not a URI.
    if (!Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:").matcher(pathOrUri).find()) {
      return local(Path.of(pathOrUri));
    }
    URI uri;
    try {
      uri = new URI(pathOrUri);
    } catch (URISyntaxException e) {
      throw new ModelLoadException("Cannot use " + pathOrUri + " as a model location: " + e, e);
    }
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      return local(Path.of(uri));
    }
    if (!hadoopIsAvailable()) {
      throw new ModelLoadException(
          "Cannot open "
              + pathOrUri
              + ": its scheme '"
              + uri.getScheme()
              + "' needs Hadoop's FileSystem, which is not on the classpath (run under Spark or add"
              + " hadoop-client-api and hadoop-client-runtime)");
    }
    return HadoopDirectory.openWithDefaultConfiguration(uri);
  }

  /** Checks for Hadoop without loading {@link HadoopDirectory}, whose linking needs Hadoop. */
  private static boolean hadoopIsAvailable() {
    try {
      Class.forName(
          "org.apache.hadoop.fs.FileSystem", false, StorageDirectory.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
