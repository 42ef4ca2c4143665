package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.testing.RealTokenizers;
import io.adapterforge.tokenizer.KnownTokenizer;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.train.ExampleSource;
import io.adapterforge.trainer.train.LoraTrainer;
import io.adapterforge.trainer.train.TrainingExample;
import io.adapterforge.trainer.train.TrainingListener;
import io.adapterforge.trainer.train.TrainingOptions;
import io.adapterforge.trainer.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Random base models with real tokenizers (from the shared tokenizer cache). */
@ExtendWith(NdManagerExtension.class)
class RandomBaseModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Read once: Qwen3's tokenizer.json has 11 MB. */
  private static TokenizerFiles qwen3;

  @BeforeAll
  static void readQwen3() {
    qwen3 = TokenizerFiles.read(RealTokenizers.directory(KnownTokenizer.QWEN3));
  }

  @TempDir Path directory;

  @Test
  void readsVocabularySizeAndSpecialTokensOfRealTokenizers() {
    TokenizerFiles llama2 = TokenizerFiles.read(RealTokenizers.directory(KnownTokenizer.LLAMA2));
    assertThat(llama2.vocabSize()).isEqualTo(32000);
    assertThat(llama2.bosTokenId()).hasValue(1);
    assertThat(llama2.eosTokenId()).hasValue(2);
    assertThat(qwen3.vocabSize()).isEqualTo(151669);
    assertThat(qwen3.eosTokenId()).hasValue(151645);
    assertThat(qwen3.padTokenId()).hasValue(151643);
    assertThatThrownBy(() -> TokenizerFiles.read(directory))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("Cannot use " + directory + " as a tokenizer folder: it has no tokenizer.json");
  }

  @Test
  void writesALoadableHuggingFaceFolderInitializedAsTransformers(NDManager manager)
      throws IOException {
    TokenizerFiles tokenizer = qwen3;
    ModelConfig config =
        RandomBaseModel.config(
            ModelType.QWEN3, tokenizer.vocabSize(), 32, 2, 4, 2, 64, 16, 512, true);
    Path output = directory.resolve("base");

    RandomBaseModel.write(config, 7, tokenizer, output, manager);

    assertThat(ModelConfig.load(output)).isEqualTo(config);
    JsonNode json = JSON.readTree(output.resolve("config.json").toFile());
    assertThat(json.get("architectures").get(0).asText()).isEqualTo("Qwen3ForCausalLM");
    assertThat(json.get("vocab_size").asInt()).isEqualTo(151669);
    assertThat(json.get("eos_token_id").asInt()).isEqualTo(151645);
    assertThat(json.get("initializer_range").asDouble()).isEqualTo(0.02);
    assertThat(json.get("torch_dtype").asText()).isEqualTo("float32");
    assertThat(
            Files.mismatch(
                output.resolve("tokenizer.json"), tokenizer.directory().resolve("tokenizer.json")))
        .isEqualTo(-1);
    assertThat(output.resolve("tokenizer_config.json")).isRegularFile();
    try (SafetensorsFile weights = SafetensorsFile.open(output.resolve("model.safetensors"))) {
      float[] query =
          weights.read("model.layers.1.self_attn.q_proj.weight", manager).toFloatArray();
      assertThat(standardDeviation(query)).isCloseTo(0.02, within(0.002));
      assertThat(weights.read("model.layers.0.self_attn.k_norm.weight", manager).toFloatArray())
          .containsOnly(1f);
      float[] padRow =
          weights.read("model.embed_tokens.weight", manager).get(151643).toFloatArray();
      assertThat(padRow).containsOnly(0f);
      assertThat(weights.names()).doesNotContain("lm_head.weight").hasSize(1 + 1 + 2 * 11);
    }
    try (DecoderModel model = DecoderModel.load(output, manager)) {
      NDArray logits = model.logits(manager.create(new long[][] {{1, 2, 3, 151645}}), null);
      for (float value : logits.toFloatArray()) {
        assertThat(value).isFinite();
      }
    }
    Path again = directory.resolve("again");
    RandomBaseModel.write(config, 7, tokenizer, again, manager);
    assertThat(
            Files.mismatch(again.resolve("model.safetensors"), output.resolve("model.safetensors")))
        .isEqualTo(-1);
    try (var entries = Files.list(directory)) {
      assertThat(entries).containsExactlyInAnyOrder(output, again);
    }
  }

  @Test
  void gemmaNormsStartAtZeroAndScaleQueriesByHeadDimension() {
    ModelConfig gemma =
        RandomBaseModel.config(ModelType.GEMMA3_TEXT, 1000, 64, 2, 4, 1, 128, 16, 0, null);
    assertThat(gemma.attentionScale()).isEqualTo(0.25);
    assertThat(gemma.tieWordEmbeddings()).isTrue();
    assertThat(gemma.layerTypes()).containsOnly(AttentionType.SLIDING_ATTENTION);
    assertThat(RandomBaseModel.shapes(gemma))
        .containsKey("model.layers.1.pre_feedforward_layernorm.weight");
    assertThatThrownBy(
            () -> RandomBaseModel.config(ModelType.LLAMA, 1000, 64, 2, 4, 3, 128, 0, 0, false))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(
            "Cannot use num_key_value_heads 3: must divide num_attention_heads 4");
  }

  @Test
  void aLoraDrivesTheLossOfARandomBaseModelDownFiveFold(NDManager manager) {
    TokenizerFiles llama2 = TokenizerFiles.read(RealTokenizers.directory(KnownTokenizer.LLAMA2));
    ModelConfig config =
        RandomBaseModel.config(
            ModelType.LLAMA, llama2.vocabSize(), 64, 2, 4, 2, 128, 0, 256, false);
    Path output = directory.resolve("trainable");
    // hidden_size · initializer_range = 12.8: logits can move far enough (see write's Javadoc).
    RandomBaseModel.write(config, 3, 0.2, llama2, output, manager);
    List<TrainingExample> rows = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(5);
    for (int r = 0; r < 6; r++) {
      int[] ids = random.ints(12, 3, 32000).toArray();
      int[] labels = ids.clone();
      Arrays.fill(labels, 0, 4, TrainingExample.IGNORE_INDEX);
      rows.add(new TrainingExample(ids, labels));
    }
    LoraSettings settings =
        new LoraSettings(
            16,
            32,
            0,
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
            false);
    try (DecoderModel model = DecoderModel.load(output, manager);
        LoraAdapter adapter = LoraAdapter.create(model, settings, 1, manager)) {
      TrainingResult result =
          LoraTrainer.train(
              model,
              adapter,
              ExampleSource.of(rows),
              null,
              TrainingOptions.builder()
                  .optEpochs(40)
                  .optBatchSize(3)
                  .optLearningRate(1e-2)
                  .optWarmupSteps(4)
                  .build(),
              TrainingListener.NONE);
      double first = result.history().get(0).loss();
      assertThat(first).isGreaterThan(Math.log(32000) * 0.9);
      assertThat(result.finalLoss()).isLessThan(first / 5);
    }
  }

  private static double standardDeviation(float[] values) {
    double sum = 0;
    double squares = 0;
    for (float value : values) {
      sum += value;
      squares += value * value;
    }
    double mean = sum / values.length;
    return Math.sqrt(squares / values.length - mean * mean);
  }
}
