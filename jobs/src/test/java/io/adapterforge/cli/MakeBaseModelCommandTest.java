package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.ModelConfig;
import io.adapterforge.trainer.model.ModelType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code make-base-model} with the real pinned tokenizers, tiny models. */
class MakeBaseModelCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  /**
   * make-base-model with the given architecture, tokenizer and output, hidden 32, 2 layers, 4
   * heads, 2 key/value heads; {@code extra} options replace those or add to them.
   */
  static AdapterforgeCliTest.Result makeBaseModel(
      String arch, String tokenizer, Path output, String... extra) {
    Path cache = RealTokenizers.directory(KnownTokenizer.LLAMA2).getParent();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--arch", arch);
    options.put("--tokenizer", tokenizer);
    options.put("--hidden-size", "32");
    options.put("--layers", "2");
    options.put("--heads", "4");
    options.put("--kv-heads", "2");
    options.put("--intermediate-size", "64");
    options.put("--seed", "7");
    options.put("--output", output.toString());
    options.put("--set", "tokenizers.cache-dir=" + cache);
    for (int i = 0; i < extra.length; i++) {
      boolean hasValue = i + 1 < extra.length && !extra[i + 1].startsWith("--");
      options.put(extra[i], hasValue ? extra[++i] : null);
    }
    List<String> args = new ArrayList<>(List.of("make-base-model"));
    options.forEach(
        (name, value) -> {
          args.add(name);
          if (value != null) {
            args.add(value);
          }
        });
    return AdapterforgeCliTest.run(args.toArray(String[]::new));
  }

  @Test
  void writesALlamaFolderWithTheNamedTokenizer() throws IOException {
    Path output = temp.resolve("llama");

    AdapterforgeCliTest.Result result =
        makeBaseModel(
            "llama",
            "llama2",
            output,
            "--max-position-embeddings",
            "512",
            "--initializer-range",
            "0.05");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Wrote " + output + ": llama, 2 layers, hidden 32, 4/2 heads of 8")
        .contains("vocab 32000");
    JsonNode config = JSON.readTree(output.resolve("config.json").toFile());
    assertThat(config.get("model_type").asText()).isEqualTo("llama");
    assertThat(config.get("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
    assertThat(config.get("vocab_size").asInt()).isEqualTo(32000);
    assertThat(config.get("num_key_value_heads").asInt()).isEqualTo(2);
    assertThat(config.get("max_position_embeddings").asInt()).isEqualTo(512);
    assertThat(config.get("tie_word_embeddings").asBoolean()).isFalse();
    assertThat(config.get("bos_token_id").asInt()).isEqualTo(1);
    assertThat(config.get("eos_token_id").asInt()).isEqualTo(2);
    assertThat(config.get("initializer_range").asDouble()).isEqualTo(0.05);
    Path tokenizer = RealTokenizers.directory(KnownTokenizer.LLAMA2);
    for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
      assertThat(Files.mismatch(output.resolve(file), tokenizer.resolve(file))).isEqualTo(-1);
    }
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(output, manager)) {
      NDArray logits = model.logits(manager.create(new long[][] {{1, 450, 4996, 17354}}), null);
      assertThat(logits.getShape().get(2)).isEqualTo(32000);
      // Weights of std 0.02 through two layers: logits close to 0 but not all equal.
      assertThat(logits.abs().max().getFloat()).isGreaterThan(0f).isLessThan(3f);
    }
  }

  @Test
  void writesQwen3AndGemma3FromTokenizerFolders() {
    Path qwen3 = temp.resolve("qwen3");
    AdapterforgeCliTest.Result first =
        makeBaseModel(
            "qwen3",
            RealTokenizers.directory(KnownTokenizer.QWEN3).toString(),
            qwen3,
            "--head-dim",
            "16",
            "--tie-word-embeddings");
    assertThat(first.exitCode()).as(first.err()).isZero();
    ModelConfig qwen = ModelConfig.load(qwen3);
    assertThat(qwen.modelType()).isEqualTo(ModelType.QWEN3);
    assertThat(qwen.headDim()).isEqualTo(16);
    assertThat(qwen.tieWordEmbeddings()).isTrue();
    assertThat(qwen.vocabSize()).isEqualTo(151669);

    Path gemma = temp.resolve("gemma");
    AdapterforgeCliTest.Result second =
        makeBaseModel(
            "gemma3_text",
            RealTokenizers.directory(KnownTokenizer.LLAMA2).toString(),
            gemma,
            "--no-tie-word-embeddings");
    assertThat(second.exitCode()).as(second.err()).isZero();
    ModelConfig gemmaConfig = ModelConfig.load(gemma);
    assertThat(gemmaConfig.modelType()).isEqualTo(ModelType.GEMMA3_TEXT);
    assertThat(gemmaConfig.tieWordEmbeddings()).isFalse();
    assertThat(gemmaConfig.attentionScale()).isEqualTo(Math.pow(8, -0.5));
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(gemma, manager)) {
      assertThat(model.logits(manager.create(new long[][] {{1, 2, 3}}), null).getShape().get(2))
          .isEqualTo(32000);
    }
  }

  @Test
  void badUsageExits2NamingTheOptionOrField() throws IOException {
    AdapterforgeCliTest.Result arch = makeBaseModel("gpt2", "llama2", temp.resolve("a"));
    assertThat(arch.exitCode()).isEqualTo(2);
    assertThat(arch.err())
        .contains(
            "Cannot use --arch gpt2: must be one of gemma3_text, llama, mistral, qwen2, qwen3");

    AdapterforgeCliTest.Result heads =
        makeBaseModel("llama", "llama2", temp.resolve("b"), "--kv-heads", "3");
    assertThat(heads.exitCode()).isEqualTo(2);
    assertThat(heads.err())
        .contains("Cannot use num_key_value_heads 3: must divide num_attention_heads 4");

    AdapterforgeCliTest.Result tokenizer = makeBaseModel("llama", "mistral", temp.resolve("c"));
    assertThat(tokenizer.exitCode()).isEqualTo(2);
    assertThat(tokenizer.err())
        .contains("Cannot use --tokenizer mistral: not a folder, and Unknown tokenizer 'mistral'");

    Path occupied = Files.createDirectories(temp.resolve("occupied"));
    Files.writeString(occupied.resolve("notes.txt"), "mine");
    AdapterforgeCliTest.Result output = makeBaseModel("llama", "llama2", occupied);
    assertThat(output.exitCode()).isEqualTo(2);
    assertThat(output.err())
        .contains("Cannot write --output " + occupied + ": it exists and is not an empty folder");
    AdapterforgeCliTest.Result range =
        makeBaseModel("llama", "llama2", temp.resolve("d"), "--initializer-range", "0");
    assertThat(range.exitCode()).isEqualTo(2);
    assertThat(range.err()).contains("Cannot use --initializer-range 0.0: must be positive");
    assertThat(temp.resolve("a")).doesNotExist();
    assertThat(temp.resolve("b")).doesNotExist();
  }
}
