package io.adapterforge.preprocessing.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.adapterforge.testing.LocalSparkExtension;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalSparkExtension.class)
class TokenizerSourceTest {
  @Test
  void broadcastAndLocalFileGiveTheSameTokenizer(SparkSession spark) throws Exception {
    Path file = RealTokenizers.directory(KnownTokenizer.QWEN3).resolve("tokenizer.json");
    byte[] bytes = Files.readAllBytes(file);
    String fingerprint = Fingerprints.sha256(bytes);
    TokenizerSource broadcast =
        new TokenizerSource.Broadcasted(
            JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes));
    TokenizerSource local = new TokenizerSource.LocalFile(file.toString());
    local.preload(fingerprint);

    HuggingFaceTokenizer fromLocal = local.tokenizer(fingerprint);
    HuggingFaceTokenizer fromBroadcast = broadcast.tokenizer(fingerprint);

    assertThat(fromBroadcast).isSameAs(fromLocal);
    assertThat(fromLocal.encode("Привет, world", false, false).getIds()).isNotEmpty();
  }

  @Test
  void broadcastLoadsFromTheBytesWhenNotYetLoaded(SparkSession spark) throws Exception {
    Path file = RealTokenizers.directory(KnownTokenizer.LLAMA2).resolve("tokenizer.json");
    byte[] bytes = Files.readAllBytes(file);
    TokenizerSource broadcast =
        new TokenizerSource.Broadcasted(
            JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes));

    HuggingFaceTokenizer tokenizer = broadcast.tokenizer(Fingerprints.sha256(bytes));

    try (HuggingFaceTokenizer direct = TokenizerCache.load(file)) {
      assertThat(tokenizer.encode("Hello there", false, false).getIds())
          .containsExactly(direct.encode("Hello there", false, false).getIds());
    }
  }
}
