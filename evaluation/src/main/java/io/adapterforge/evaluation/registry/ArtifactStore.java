package io.adapterforge.evaluation.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The folder tree that holds published artifacts: {@code <store>/<adapter_id>/v<version>/} for each
 * committed version and {@code <store>/_staging/<adapter_id>-<random>/} for copies in progress.
 * Local folders use Hadoop's raw local file system (no {@code .crc} side files), other schemes
 * their Hadoop FileSystem. Files whose path has a segment starting with {@code .} or {@code _} are
 * hidden by Hadoop convention and are not part of an artifact. Thread-safe.
 */
final class ArtifactStore implements AutoCloseable {
  static final String STAGING_FOLDER = "_staging";
  private static final int BUFFER_BYTES = 1 << 16;

  private final Configuration conf;
  private final FileSystem fs;
  private final Path root;

  private ArtifactStore(Configuration conf, FileSystem fs, Path root) {
    this.conf = conf;
    this.fs = fs;
    this.root = root;
  }

  /** Opens the store at a local path or a Hadoop FileSystem URI, creating the folder if needed. */
  static ArtifactStore open(String storeUri) {
    Configuration conf = new Configuration();
    URI uri = toUri(storeUri);
    try {
      FileSystem fs;
      if ("file".equals(uri.getScheme())) {
        RawLocalFileSystem local = new RawLocalFileSystem();
        local.initialize(URI.create("file:///"), conf);
        fs = local;
      } else {
        fs = FileSystem.newInstance(uri, conf);
      }
      Path root = fs.makeQualified(new Path(uri));
      fs.mkdirs(root);
      return new ArtifactStore(conf, fs, root);
    } catch (IOException | RuntimeException e) {
      throw new RegistryException(
          String.format("Cannot open the artifact store %s: %s", storeUri, e.getMessage()), e);
    }
  }

  /** A URI for a local path (made absolute) or the URI itself when it has a scheme. */
  static URI toUri(String location) {
    if (location.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return URI.create(location);
    }
    return Paths.get(location).toAbsolutePath().normalize().toUri();
  }

  String rootUri() {
    return root.toString();
  }

  Path versionFolder(String adapterId, int version) {
    return new Path(new Path(root, adapterId), "v" + version);
  }

  Path newStagingFolder(String adapterId) {
    return new Path(new Path(root, STAGING_FOLDER), adapterId + "-" + UUID.randomUUID());
  }

  /**
   * Copies the visible files of the source folder into {@code target} (which must not exist),
   * computing each file's SHA-256 from the bytes read, and returns them sorted by path.
   */
  List<ArtifactFile> copyIn(String sourceUri, Path target) throws IOException {
    Path source = new Path(toUri(sourceUri));
    FileSystem sourceFs = source.getFileSystem(conf);
    Map<String, Long> sourceFiles = list(sourceFs, sourceFs.makeQualified(source));
    if (fs.exists(target)) {
      throw new IOException("the staging folder " + target + " exists already");
    }
    List<ArtifactFile> copied = new ArrayList<>();
    for (String relative : sourceFiles.keySet()) {
      Path from = new Path(source, relative);
      Path to = new Path(target, relative);
      MessageDigest digest = sha256();
      long size = 0;
      try (InputStream in = new DigestInputStream(sourceFs.open(from), digest);
          OutputStream out = fs.create(to, false)) {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          out.write(buffer, 0, n);
          size += n;
        }
      }
      copied.add(new ArtifactFile(relative, size, HexFormat.of().formatHex(digest.digest())));
    }
    return copied;
  }

  /** Hashes the visible files of a local path or URI without copying them, sorted by path. */
  List<ArtifactFile> describe(String sourceUri) throws IOException {
    Path source = new Path(toUri(sourceUri));
    FileSystem sourceFs = source.getFileSystem(conf);
    List<ArtifactFile> files = new ArrayList<>();
    for (Map.Entry<String, Long> file : list(sourceFs, sourceFs.makeQualified(source)).entrySet()) {
      files.add(
          new ArtifactFile(
              file.getKey(), file.getValue(), hash(sourceFs, new Path(source, file.getKey()))));
    }
    return files;
  }

  /**
   * Re-reads every file under {@code folder} and returns the first difference from {@code expected}
   * (a missing, extra, resized or changed file), or null when they match.
   */
  String verifyContent(Path folder, List<ArtifactFile> expected) throws IOException {
    String listing = verifyListing(folder, expected);
    if (listing != null) {
      return listing;
    }
    for (ArtifactFile file : expected) {
      String actual = hash(fs, new Path(folder, file.path()));
      if (!actual.equals(file.sha256())) {
        return String.format("%s has sha256 %s, expected %s", file.path(), actual, file.sha256());
      }
    }
    return null;
  }

  /** Like {@link #verifyContent} but compares only names and sizes (after a rename). */
  String verifyListing(Path folder, List<ArtifactFile> expected) throws IOException {
    Map<String, Long> actual = list(fs, folder);
    Map<String, Long> wanted = new TreeMap<>();
    expected.forEach(file -> wanted.put(file.path(), file.sizeBytes()));
    for (Map.Entry<String, Long> file : wanted.entrySet()) {
      Long size = actual.get(file.getKey());
      if (size == null) {
        return file.getKey() + " is missing";
      }
      if (!size.equals(file.getValue())) {
        return String.format("%s has %d bytes, expected %d", file.getKey(), size, file.getValue());
      }
    }
    for (String name : actual.keySet()) {
      if (!wanted.containsKey(name)) {
        return name + " is not part of the artifact";
      }
    }
    return null;
  }

  boolean exists(Path path) throws IOException {
    return fs.exists(path);
  }

  /** Deletes a folder and what it holds; true when something was deleted. */
  boolean delete(Path path) throws IOException {
    return fs.delete(path, true);
  }

  /** Moves {@code from} to {@code to}, which must not exist; its parent is created. */
  void rename(Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    if (fs.exists(to)) {
      throw new IOException(to + " exists already");
    }
    if (!fs.rename(from, to)) {
      throw new IOException("the file system refused to rename " + from + " to " + to);
    }
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }

  private static Map<String, Long> list(FileSystem fileSystem, Path folder) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    if (!fileSystem.exists(folder)) {
      return files;
    }
    String prefix = folder.toUri().getPath();
    if (!prefix.endsWith("/")) {
      prefix += "/";
    }
    RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(folder, true);
    while (iterator.hasNext()) {
      LocatedFileStatus status = iterator.next();
      String path = status.getPath().toUri().getPath();
      if (!path.startsWith(prefix)) {
        throw new IOException(path + " is not under " + folder);
      }
      String relative = path.substring(prefix.length());
      if (!hidden(relative)) {
        files.put(relative, status.getLen());
      }
    }
    return files;
  }

  private static boolean hidden(String relative) {
    for (String segment : relative.split("/")) {
      if (segment.startsWith(".") || segment.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static String hash(FileSystem fileSystem, Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(fileSystem.open(file), digest)) {
      byte[] buffer = new byte[BUFFER_BYTES];
      while (in.read(buffer) >= 0) {
        // reading feeds the digest
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
