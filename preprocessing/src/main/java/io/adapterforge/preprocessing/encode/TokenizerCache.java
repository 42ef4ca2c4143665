package io.adapterforge.preprocessing.encode;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One DJL tokenizer per executor JVM and tokenizer fingerprint, shared by all tasks (DJL's
 * tokenizer is thread-safe for encoding). Built with truncation, padding and added special tokens
 * off. Tokenizers live until the JVM exits and are never closed: the process's exit frees their
 * native memory, while closing one in a shutdown hook (on SIGTERM, say) frees it under tasks that
 * are still encoding with it, and the JVM dies in native code instead of exiting.
 */
public final class TokenizerCache {
  private static final Map<String, HuggingFaceTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

  private TokenizerCache() {}

  /**
   * The tokenizer with this fingerprint, loaded from {@code tokenizerJson} the first time.
   *
   * @param fingerprint sha256 of the tokenizer.json bytes
   * @param tokenizerJson supplies the bytes (e.g. from a broadcast) when not yet loaded
   */
  public static HuggingFaceTokenizer get(String fingerprint, Supplier<byte[]> tokenizerJson) {
    return TOKENIZERS.computeIfAbsent(fingerprint, key -> load(key, tokenizerJson.get()));
  }

  /**
   * The tokenizer with this fingerprint, loaded from a tokenizer.json file the first time.
   *
   * @param fingerprint sha256 of the file's bytes
   * @param tokenizerJson the file, readable in this JVM
   */
  public static HuggingFaceTokenizer get(String fingerprint, Path tokenizerJson) {
    return TOKENIZERS.computeIfAbsent(fingerprint, key -> load(tokenizerJson));
  }

  /** Loads a tokenizer from a folder or tokenizer.json file with the project's settings. */
  public static HuggingFaceTokenizer load(Path tokenizer) {
    try {
      return HuggingFaceTokenizer.builder()
          .optTokenizerPath(tokenizer)
          .optTruncation(false)
          .optPadding(false)
          .optAddSpecialTokens(false)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot load tokenizer " + tokenizer + ": " + e.getMessage(), e);
    }
  }

  private static HuggingFaceTokenizer load(String fingerprint, byte[] bytes) {
    try {
      Path dir =
          Files.createTempDirectory("adapterforge-tokenizer-" + fingerprint.substring(0, 12));
      Path file = dir.resolve("tokenizer.json");
      Files.write(file, bytes);
      HuggingFaceTokenizer tokenizer = load(file);
      Files.delete(file);
      Files.delete(dir);
      return tokenizer;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot stage tokenizer " + fingerprint + ": " + e.getMessage(), e);
    }
  }
}
