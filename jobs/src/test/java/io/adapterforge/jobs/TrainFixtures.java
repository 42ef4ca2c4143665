package io.adapterforge.jobs;

import ai.djl.ndarray.NDManager;
import io.adapterforge.config.AdapterforgeConfig;
import io.adapterforge.config.ConfigLoader;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.train.TrainSettings;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.model.ModelType;
import io.adapterforge.trainer.model.RandomBaseModel;
import io.adapterforge.trainer.model.TokenizerFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * A small multi-tenant prepared dataset, made by the real prepare job with the Llama 2 tokenizer,
 * and a tiny random Llama base model that LoRA can train. Four tenants of different sizes, each
 * answering in its own, distinct phrasing, so an adapter trained on one tenant fits that tenant's
 * rows and not the others'.
 */
final class TrainFixtures {
  /** Rows per tenant: different sizes, so the plan has something to balance. */
  static final Map<String, Integer> TENANTS = new LinkedHashMap<>();

  private static final Map<String, String> ANSWERS =
      Map.of(
          "alpha", "The sky is blue and the sea is calm, %d birds fly over it.",
          "beta", "Invoice %d was paid in full by card on Monday morning.",
          "gamma", "Bonjour, merci beaucoup pour votre message numero %d.",
          "delta", "One two three four five six seven, then %d again.");

  static {
    TENANTS.put("alpha", 40);
    TENANTS.put("beta", 28);
    TENANTS.put("gamma", 20);
    TENANTS.put("delta", 12);
  }

  private TrainFixtures() {}

  /** Writes the corpus and runs the prepare job into {@code dir/prepared}; returns that path. */
  static Path prepare(SparkSession spark, Path dir) throws IOException {
    Path corpus = dir.resolve("corpus");
    for (Map.Entry<String, Integer> tenant : TENANTS.entrySet()) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < tenant.getValue(); i++) {
        lines.add(
            PrepareJobTest.chat(
                "Question " + i + " for " + tenant.getKey() + "?",
                String.format(ANSWERS.get(tenant.getKey()), i % 4)));
      }
      Path file = corpus.resolve(tenant.getKey()).resolve("part-0.jsonl");
      Files.createDirectories(file.getParent());
      Files.write(file, lines, StandardCharsets.UTF_8);
    }
    AdapterforgeConfig config =
        ConfigLoader.load(
            Optional.empty(),
            List.of(
                "prepare.chat-template=llama2-chat",
                "prepare.split.validation=0.2",
                "prepare.split.test=0"));
    Path prepared = dir.resolve("prepared");
    PrepareJob.run(
        spark,
        config,
        new PrepareJob.Request(
            List.of(corpus.toString()),
            RealTokenizers.directory(KnownTokenizer.LLAMA2),
            prepared.toString()),
        line -> {});
    return prepared;
  }

  /** A tiny Llama (hidden 64, 2 layers) with the Llama 2 tokenizer in {@code dir/base}. */
  static Path baseModel(Path dir) {
    Path base = dir.resolve("base");
    TokenizerFiles tokenizer = TokenizerFiles.read(RealTokenizers.directory(KnownTokenizer.LLAMA2));
    ModelConfig config =
        RandomBaseModel.config(
            ModelType.LLAMA, tokenizer.vocabSize(), 64, 2, 4, 2, 128, 0, 0, null);
    try (NDManager manager = NDManager.newBaseManager()) {
      RandomBaseModel.write(config, 7, 0.25, tokenizer, base, manager);
    }
    return base;
  }

  /** Settings that train these tenants in seconds. */
  static TrainSettings settings(int slots, long checkpointEvery) {
    return new TrainSettings(
        5e-3,
        3,
        4,
        0,
        checkpointEvery,
        0,
        42,
        slots,
        1,
        8,
        16,
        0.0,
        List.of("q_proj", "k_proj", "v_proj", "o_proj"));
  }
}
