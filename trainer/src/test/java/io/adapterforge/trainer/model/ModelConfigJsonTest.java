package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ReferenceModels;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ModelConfigJsonTest {
  static final List<String> ARCHITECTURES = ReferenceModels.ARCHITECTURES;

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @FieldSource("ARCHITECTURES")
  void readsBackToAnEqualConfig(String architecture) {
    ModelConfig config = ModelConfig.load(ReferenceModels.model(architecture));
    assertThat(ModelConfig.parse(config.toJson(), "written")).isEqualTo(config);
  }

  @Test
  void usesTransformersFieldNames() throws Exception {
    ModelConfig llama = ModelConfig.load(ReferenceModels.model("llama"));
    JsonNode json =
        JSON.readTree(llama.toJson(Map.of("bos_token_id", 1, "torch_dtype", "float32")));
    assertThat(json.get("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
    assertThat(json.get("model_type").asText()).isEqualTo("llama");
    assertThat(json.get("rope_scaling").get("rope_type").asText()).isEqualTo("llama3");
    assertThat(json.get("rope_scaling").get("original_max_position_embeddings").asInt())
        .isEqualTo(256);
    assertThat(json.get("rope_theta").asDouble()).isEqualTo(500000);
    assertThat(json.get("hidden_act").asText()).isEqualTo("silu");
    assertThat(json.get("bos_token_id").asInt()).isEqualTo(1);
    assertThat(json.get("torch_dtype").asText()).isEqualTo("float32");

    JsonNode gemma = JSON.readTree(ModelConfig.load(ReferenceModels.model("gemma3_text")).toJson());
    assertThat(gemma.get("hidden_activation").asText()).isEqualTo("gelu_pytorch_tanh");
    assertThat(gemma.get("query_pre_attn_scalar").isIntegralNumber()).isTrue();
    assertThat(gemma.get("query_pre_attn_scalar").asInt()).isEqualTo(24);
    assertThat(gemma.get("layer_types")).hasSize(3);
    assertThat(gemma.get("rope_local_base_freq").asDouble()).isEqualTo(10000);
    assertThat(gemma.get("final_logit_softcapping").asDouble()).isEqualTo(20);
  }

  @Test
  void refusesWhatTheFamilyCannotExpress() {
    ModelConfig llama = ModelConfig.load(ReferenceModels.model("llama"));
    assertThatThrownBy(() -> llama.toJson(Map.of("hidden_size", 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot add field 'hidden_size' to config.json: it describes the architecture and"
                + " comes from the config");
    ModelConfig sliding =
        new ModelConfig(
            ModelType.LLAMA,
            512,
            64,
            128,
            1,
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
            4,
            List.of(AttentionType.SLIDING_ATTENTION),
            RopeParameters.unscaled(10000),
            RopeParameters.unscaled(10000),
            OptionalDouble.empty());
    assertThatThrownBy(sliding::toJson)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write layer_types of a llama config.json: Llama has no sliding layers");
  }
}
