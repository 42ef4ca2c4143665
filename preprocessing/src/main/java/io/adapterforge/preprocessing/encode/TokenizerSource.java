package io.adapterforge.preprocessing.encode;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.broadcast.Broadcast;

/**
 * Where executors get a tokenizer.json from: a broadcast of its bytes (executors on other hosts),
 * or the driver's own file when tasks run in the driver's JVM (a local master), which saves
 * serializing and broadcasting tens of MB. Either way the tokenizer is loaded once per executor
 * JVM, through {@link TokenizerCache}. Serializable.
 */
public sealed interface TokenizerSource extends Serializable {
  /** This executor's tokenizer with the given fingerprint (sha256 of tokenizer.json). */
  HuggingFaceTokenizer tokenizer(String fingerprint);

  /**
   * Starts loading the tokenizer in this JVM in the background, when tasks will run here: loading
   * takes seconds, which the first task would otherwise spend while the others wait for it. A
   * failure is left for the first task to meet again and report.
   */
  default void preload(String fingerprint) {}

  /** The bytes of tokenizer.json, broadcast. */
  record Broadcasted(Broadcast<byte[]> tokenizerJson) implements TokenizerSource {
    public Broadcasted {
      requireNonNull(tokenizerJson, "tokenizerJson is null");
    }

    @Override
    public HuggingFaceTokenizer tokenizer(String fingerprint) {
      return TokenizerCache.get(fingerprint, tokenizerJson::value);
    }
  }

  /** A tokenizer.json that every executor can read at this local path. */
  record LocalFile(String path) implements TokenizerSource {
    public LocalFile {
      requireNonNull(path, "path is null");
    }

    @Override
    public HuggingFaceTokenizer tokenizer(String fingerprint) {
      return TokenizerCache.get(fingerprint, Path.of(path));
    }

    @Override
    public void preload(String fingerprint) {
      Thread loader =
          new Thread(
              () -> {
                try {
                  tokenizer(fingerprint);
                } catch (RuntimeException e) {
                  // The first task that needs the tokenizer loads it again and fails with this.
                }
              },
              "tokenizer-preload");
      loader.setDaemon(true);
      loader.start();
    }
  }
}
