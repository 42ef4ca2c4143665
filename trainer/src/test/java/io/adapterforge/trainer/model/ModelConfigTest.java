package io.adapterforge.trainer.model;

import static io.adapterforge.trainer.model.AttentionType.FULL_ATTENTION;
import static io.adapterforge.trainer.model.AttentionType.SLIDING_ATTENTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.ReferenceModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelConfigTest {
  private static final String LOCATION = "test/config.json";

  @Test
  void readsLlamaWithLlama3RopeScaling() {
    ModelConfig config = ModelConfig.load(ReferenceModels.model("llama"));
    assertThat(config)
        .isEqualTo(
            new ModelConfig(
                ModelType.LLAMA,
                512,
                64,
                128,
                2,
                4,
                2,
                16,
                1024,
                1e-5,
                HiddenActivation.SILU,
                false,
                false,
                false,
                false,
                0.25,
                1f,
                0,
                List.of(FULL_ATTENTION, FULL_ATTENTION),
                new RopeParameters(RopeType.LLAMA3, 500000, 8, 1, 4, 256),
                new RopeParameters(RopeType.LLAMA3, 500000, 8, 1, 4, 256),
                OptionalDouble.empty()));
    assertThat(config.queryGroups()).isEqualTo(2);
  }

  @Test
  void readsGemma3Text() {
    ModelConfig config = ModelConfig.load(ReferenceModels.model("gemma3_text"));
    assertThat(config.modelType()).isEqualTo(ModelType.GEMMA3_TEXT);
    assertThat(config.headDim()).isEqualTo(32);
    assertThat(config.numKeyValueHeads()).isEqualTo(1);
    assertThat(config.hiddenActivation()).isEqualTo(HiddenActivation.GELU_PYTORCH_TANH);
    assertThat(config.tieWordEmbeddings()).isTrue();
    // sliding_window_pattern 2: every second layer is global.
    assertThat(config.layerTypes())
        .containsExactly(SLIDING_ATTENTION, FULL_ATTENTION, SLIDING_ATTENTION);
    assertThat(config.slidingWindow()).isEqualTo(4);
    assertThat(config.attentionScale()).isEqualTo(Math.pow(24, -0.5));
    assertThat(config.embeddingScale()).isEqualTo(8f);
    assertThat(config.fullAttentionRope())
        .isEqualTo(new RopeParameters(RopeType.LINEAR, 1_000_000, 8, 0, 0, 0));
    assertThat(config.slidingAttentionRope()).isEqualTo(RopeParameters.unscaled(10_000));
    assertThat(config.finalLogitSoftcapping()).hasValue(20.0);
  }

  @Test
  void readsQwenAndMistralSpecifics() {
    ModelConfig qwen3 = ModelConfig.load(ReferenceModels.model("qwen3"));
    assertThat(qwen3.headDim()).isEqualTo(32);
    assertThat(qwen3.modelType().hasQueryKeyNorm()).isTrue();
    assertThat(qwen3.tieWordEmbeddings()).isTrue();
    assertThat(qwen3.layerTypes()).containsOnly(FULL_ATTENTION);

    ModelConfig qwen2 = ModelConfig.load(ReferenceModels.model("qwen2"));
    assertThat(qwen2.qkvBias()).isTrue();
    assertThat(qwen2.outputBias()).isFalse();
    assertThat(qwen2.headDim()).isEqualTo(16);

    ModelConfig mistral = ModelConfig.load(ReferenceModels.model("mistral"));
    assertThat(mistral.layerTypes()).containsOnly(SLIDING_ATTENTION);
    assertThat(mistral.slidingWindow()).isEqualTo(4);
    assertThat(mistral.headDim()).isEqualTo(16);
  }

  @Test
  void appliesTransformersDefaultsToAMinimalLlamaConfig() {
    ModelConfig config =
        ModelConfig.parse(
            "{\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":32,"
                + "\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4}",
            LOCATION);
    assertThat(config.numKeyValueHeads()).isEqualTo(4);
    assertThat(config.headDim()).isEqualTo(8);
    assertThat(config.rmsNormEps()).isEqualTo(1e-6);
    assertThat(config.maxPositionEmbeddings()).isEqualTo(2048);
    assertThat(config.fullAttentionRope()).isEqualTo(RopeParameters.unscaled(10_000));
    assertThat(config.tieWordEmbeddings()).isFalse();
    assertThat(config.hiddenActivation()).isEqualTo(HiddenActivation.SILU);
    assertThat(config.finalLogitSoftcapping()).isEmpty();
  }

  @Test
  void appliesGemmaDefaults() {
    ModelConfig config =
        ModelConfig.parse(
            "{\"model_type\":\"gemma3_text\",\"vocab_size\":100,\"hidden_size\":32,"
                + "\"intermediate_size\":64,\"num_hidden_layers\":7,\"num_attention_heads\":2,"
                + "\"num_key_value_heads\":1,\"final_logit_softcapping\":null}",
            LOCATION);
    List<AttentionType> expected = new ArrayList<>(Collections.nCopies(7, SLIDING_ATTENTION));
    expected.set(5, FULL_ATTENTION);
    assertThat(config.layerTypes()).isEqualTo(expected);
    assertThat(config.headDim()).isEqualTo(256);
    assertThat(config.attentionScale()).isEqualTo(1.0 / 16);
    assertThat(config.slidingWindow()).isEqualTo(4096);
    assertThat(config.fullAttentionRope()).isEqualTo(RopeParameters.unscaled(1_000_000));
    assertThat(config.slidingAttentionRope()).isEqualTo(RopeParameters.unscaled(10_000));
    assertThat(config.tieWordEmbeddings()).isTrue();
    assertThat(config.finalLogitSoftcapping()).isEmpty();
  }

  @Test
  void readsLayerTypesAndPerLayerRopeParameters() {
    ModelConfig config =
        ModelConfig.parse(
            "{\"model_type\":\"gemma3_text\",\"vocab_size\":100,\"hidden_size\":32,"
                + "\"intermediate_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":2,"
                + "\"num_key_value_heads\":1,\"head_dim\":16,\"sliding_window\":8,"
                + "\"layer_types\":[\"full_attention\",\"sliding_attention\"],"
                + "\"rope_parameters\":{"
                + "\"full_attention\":{\"rope_type\":\"linear\",\"factor\":4.0,\"rope_theta\":5e5},"
                + "\"sliding_attention\":{\"rope_type\":\"default\",\"rope_theta\":1e4}}}",
            LOCATION);
    assertThat(config.layerTypes()).containsExactly(FULL_ATTENTION, SLIDING_ATTENTION);
    assertThat(config.fullAttentionRope())
        .isEqualTo(new RopeParameters(RopeType.LINEAR, 500_000, 4, 0, 0, 0));
    assertThat(config.slidingAttentionRope()).isEqualTo(RopeParameters.unscaled(10_000));
  }

  @Test
  void readsLegacyAndNewRopeFieldsForLlama() {
    String base =
        "{\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":32,"
            + "\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4,"
            + "\"max_position_embeddings\":4096,";
    ModelConfig legacy =
        ModelConfig.parse(
            base
                + "\"rope_theta\":50000,\"rope_scaling\":{\"type\":\"llama3\",\"factor\":32,"
                + "\"low_freq_factor\":1,\"high_freq_factor\":4}}",
            LOCATION);
    // original_max_position_embeddings falls back to max_position_embeddings, as in transformers.
    assertThat(legacy.fullAttentionRope())
        .isEqualTo(new RopeParameters(RopeType.LLAMA3, 50_000, 32, 1, 4, 4096));
    ModelConfig current =
        ModelConfig.parse(
            base + "\"rope_parameters\":{\"rope_type\":\"linear\",\"factor\":2,\"rope_theta\":7}}",
            LOCATION);
    assertThat(current.fullAttentionRope())
        .isEqualTo(new RopeParameters(RopeType.LINEAR, 7, 2, 0, 0, 0));
  }

  @Test
  void derivesSlidingLayersOfQwenAndMistral() {
    ModelConfig qwen =
        ModelConfig.parse(
            "{\"model_type\":\"qwen3\",\"vocab_size\":100,\"hidden_size\":32,"
                + "\"intermediate_size\":64,\"num_hidden_layers\":4,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":2,\"use_sliding_window\":true,\"sliding_window\":16,"
                + "\"max_window_layers\":2}",
            LOCATION);
    assertThat(qwen.layerTypes())
        .containsExactly(FULL_ATTENTION, FULL_ATTENTION, SLIDING_ATTENTION, SLIDING_ATTENTION);
    assertThat(qwen.slidingWindow()).isEqualTo(16);
    assertThat(qwen.headDim()).isEqualTo(128);

    ModelConfig mistral =
        ModelConfig.parse(
            "{\"model_type\":\"mistral\",\"vocab_size\":100,\"hidden_size\":32,"
                + "\"intermediate_size\":64,\"num_hidden_layers\":2,\"num_attention_heads\":4,"
                + "\"num_key_value_heads\":2,\"sliding_window\":null}",
            LOCATION);
    assertThat(mistral.layerTypes()).containsOnly(FULL_ATTENTION);
    assertThat(mistral.slidingWindow()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unsupported model type|\"model_type\":\"gemma3\""
            + "|Cannot load test/config.json: model_type 'gemma3' is not supported (supported are"
            + " gemma3_text, llama, mistral, qwen2, qwen3)",
        "unsupported rope type|\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4}"
            + "|Cannot load test/config.json: rope_scaling.rope_type 'yarn' is not supported"
            + " (supported are default, linear, llama3)",
        "unsupported activation|\"hidden_act\":\"gelu\""
            + "|Cannot load test/config.json: hidden_act 'gelu' is not supported (this family uses"
            + " silu)",
        "chunked attention|\"layer_types\":[\"chunked_attention\"]"
            + "|Cannot load test/config.json: layer_types 'chunked_attention' is not supported"
            + " (supported are full_attention, sliding_attention)",
        "layer types of the wrong length|\"layer_types\":[\"full_attention\",\"full_attention\"]"
            + "|Cannot use layer_types '2 entries' in test/config.json: must have num_hidden_layers 1",
        "heads not divisible|\"num_key_value_heads\":3"
            + "|Cannot use num_key_value_heads 3: must divide num_attention_heads 4 (in"
            + " test/config.json)",
        "quantized|\"quantization_config\":{\"quant_method\":\"gptq\"}"
            + "|Cannot load test/config.json: quantization_config {\"quant_method\":\"gptq\"} is not"
            + " supported (quantized weights cannot be trained)",
        "partial rotary|\"partial_rotary_factor\":0.5"
            + "|Cannot load test/config.json: partial_rotary_factor 0.5 is not supported (RoPE is"
            + " applied to whole heads)",
        "llama3 without factors|\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8}"
            + "|Cannot use rope_scaling.low_freq_factor null in test/config.json: is required for"
            + " this rope type",
        "text where a number belongs|\"hidden_size\":\"64\""
            + "|Cannot use hidden_size \"64\" in test/config.json: must be an integer",
        "odd head dimension|\"head_dim\":7"
            + "|Cannot use head_dim 7: must be positive and even (in test/config.json)",
      })
  void refusesWhatItCannotRun(String description, String override, String message)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode json =
        (ObjectNode)
            mapper.readTree(
                "{\"model_type\":\"llama\",\"vocab_size\":100,\"hidden_size\":32,"
                    + "\"intermediate_size\":64,\"num_hidden_layers\":1,\"num_attention_heads\":4}");
    json.setAll((ObjectNode) mapper.readTree("{" + override + "}"));
    assertThatThrownBy(() -> ModelConfig.parse(json.toString(), LOCATION))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(message);
  }

  @Test
  void reportsMissingFieldsAndFiles(@TempDir Path empty) {
    assertThatThrownBy(
            () ->
                ModelConfig.parse(
                    "{\"model_type\":\"llama\",\"vocab_size\":100,\"intermediate_size\":64,"
                        + "\"num_hidden_layers\":1,\"num_attention_heads\":4}",
                    LOCATION))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("Cannot load test/config.json: it has no hidden_size");
    assertThatThrownBy(() -> ModelConfig.parse("{\"vocab_size\":1}", LOCATION))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("Cannot load test/config.json: it has no model_type");
    assertThatThrownBy(() -> ModelConfig.load(empty))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("Cannot read " + empty.resolve("config.json") + ": ");
  }
}
