package io.adapterforge.trainer.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.StepMetrics;
import io.adapterforge.trainer.train.TrainingResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(NdManagerExtension.class)
class PeftAdapterTest {
  static final LoraSettings SETTINGS =
      new LoraSettings(4, 16, 0.05, List.of("q_proj", "v_proj", "down_proj"), true);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  /** An adapter with random A and B, so a round trip is not trivially zeros. */
  static LoraAdapter randomAdapter(DecoderModel model, LoraSettings settings, NDManager manager) {
    LoraAdapter adapter = LoraAdapter.create(model, settings, 11, manager);
    for (TrainableParameter parameter : adapter.parameters()) {
      NDArray values =
          manager.randomNormal(0, 0.05f, parameter.array().getShape(), DataType.FLOAT32);
      parameter.array().stopGradient().set(new NDIndex("..."), values);
    }
    return adapter;
  }

  @Test
  void writesPeftLayoutWithHuggingFaceKeysAndShapes(NDManager manager) throws IOException {
    Path output = directory.resolve("adapters/support");
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter adapter = randomAdapter(model, SETTINGS, manager)) {
      PeftAdapter.write(output, adapter, "work/base", result());
    }

    try (Stream<Path> files = Files.list(output)) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
          .containsExactlyInAnyOrder(
              "adapter_config.json", "adapter_model.safetensors", "metrics.json");
    }
    try (Stream<Path> siblings = Files.list(output.getParent())) {
      assertThat(siblings).containsExactly(output);
    }
    JsonNode config = JSON.readTree(output.resolve("adapter_config.json").toFile());
    assertThat(config.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(config.get("task_type").asText()).isEqualTo("CAUSAL_LM");
    assertThat(config.get("r").asInt()).isEqualTo(4);
    assertThat(config.get("lora_alpha").isIntegralNumber()).isTrue();
    assertThat(config.get("lora_alpha").asInt()).isEqualTo(16);
    assertThat(config.get("lora_dropout").asDouble()).isEqualTo(0.05);
    assertThat(config.get("bias").asText()).isEqualTo("none");
    assertThat(config.get("use_rslora").asBoolean()).isTrue();
    assertThat(config.get("base_model_name_or_path").asText()).isEqualTo("work/base");
    assertThat(config.get("target_modules"))
        .extracting(JsonNode::asText)
        .containsExactly("q_proj", "v_proj", "down_proj");
    assertThat(config.get("fan_in_fan_out").asBoolean()).isFalse();

    try (SafetensorsFile weights =
        SafetensorsFile.open(output.resolve("adapter_model.safetensors"))) {
      assertThat(weights.names()).hasSize(12);
      assertThat(weights.metadata()).containsEntry("format", "pt");
      assertThat(weights.info("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight"))
          .hasValueSatisfying(info -> assertThat(info.shape()).isEqualTo(new Shape(4, 64)));
      assertThat(weights.info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"))
          .hasValueSatisfying(info -> assertThat(info.shape()).isEqualTo(new Shape(32, 4)));
      assertThat(weights.info("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight"))
          .hasValueSatisfying(info -> assertThat(info.shape()).isEqualTo(new Shape(4, 128)));
    }

    JsonNode metrics = JSON.readTree(output.resolve("metrics.json").toFile());
    assertThat(metrics.get("global_steps").asInt()).isEqualTo(2);
    assertThat(metrics.get("best_validation_loss").asDouble()).isEqualTo(2.5);
    assertThat(metrics.get("steps")).hasSize(2);
    assertThat(metrics.get("steps").get(1).get("loss").asDouble()).isEqualTo(3.0);
    assertThat(metrics.get("steps").get(1).get("learning_rate").asDouble()).isEqualTo(1e-4);
    assertThat(metrics.get("steps").get(1).get("validation_loss").asDouble()).isEqualTo(2.5);
    assertThat(metrics.get("steps").get(0).has("validation_loss")).isFalse();
  }

  @Test
  void reloadsToIdenticalWeightsAndReplacesAnOlderExport(NDManager manager) {
    Path output = directory.resolve("adapter");
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager)) {
      try (LoraAdapter first = randomAdapter(model, SETTINGS, manager)) {
        PeftAdapter.write(output, first, "base", null);
      }
      try (LoraAdapter adapter = randomAdapter(model, SETTINGS, manager)) {
        PeftAdapter.write(output, adapter, "base", null);
        try (LoraAdapter loaded =
            PeftAdapter.load(StorageDirectory.local(output), model, manager)) {
          assertThat(loaded.settings()).isEqualTo(SETTINGS);
          Map<String, NDArray> expected = adapter.tensors();
          assertThat(loaded.tensors().keySet()).isEqualTo(expected.keySet());
          loaded
              .tensors()
              .forEach(
                  (key, value) ->
                      assertThat(value.toFloatArray())
                          .as(key)
                          .containsExactly(expected.get(key).toFloatArray()));
        }
      }
    }
    assertThat(output.resolve("metrics.json")).doesNotExist();
  }

  @Test
  void refusesAnAdapterForAnotherModel(NDManager manager) {
    Path output = directory.resolve("adapter");
    try (DecoderModel llama = DecoderModel.load(ReferenceModels.model("llama"), manager);
        DecoderModel qwen3 = DecoderModel.load(ReferenceModels.model("qwen3"), manager);
        LoraAdapter adapter = randomAdapter(llama, SETTINGS, manager)) {
      PeftAdapter.write(output, adapter, "base", null);
      assertThatThrownBy(() -> PeftAdapter.load(StorageDirectory.local(output), qwen3, manager))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage(
              "Cannot load LoRA weights from "
                  + output.resolve("adapter_model.safetensors")
                  + ": tensor 'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight' has"
                  + " shape (64, 4), this adapter's has (128, 4)");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"peft_type\": \"IA3\"|peft_type \"IA3\" is not supported (only LORA is supported)",
        "\"bias\": \"all\"|bias \"all\" is not supported (only none is supported)",
        "\"use_dora\": true|use_dora true is not supported (only false is supported)",
        "\"rank_pattern\": {\"q_proj\": 8}|rank_pattern {\"q_proj\":8} is not supported (only an"
            + " empty or null value is supported)",
        "\"target_modules\": \".*proj\"|Cannot use target_modules \".*proj\" in CONFIG: a regular"
            + " expression is not supported; list the modules",
        "\"target_modules\": [\"q_proj\", \"lm_head\"]|'lm_head' is not one of",
        "\"r\": 0|Cannot use r 0 in CONFIG: must be a positive integer"
      })
  void refusesConfigsItCannotApply(String field, String message) throws IOException {
    Path folder = Files.createDirectories(directory.resolve("bad"));
    String base =
        "{\"peft_type\": \"LORA\", \"r\": 4, \"lora_alpha\": 8, \"target_modules\": [\"q_proj\"]}";
    String key = field.substring(1, field.indexOf('"', 1));
    Map<String, Object> root = JSON.readValue(base, Map.class);
    root.remove(key);
    String json = JSON.writeValueAsString(root);
    json = json.substring(0, json.length() - 1) + ", " + field + "}";
    Files.writeString(folder.resolve("adapter_config.json"), json, StandardCharsets.UTF_8);

    String location = folder.resolve("adapter_config.json").toString();
    assertThatThrownBy(() -> PeftAdapter.readConfig(StorageDirectory.local(folder)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(message.replace("CONFIG", location))
        .hasMessageContaining(location);
  }

  @Test
  void readsConfigsPeftWrote() {
    String peft =
        "{\"alpha_pattern\": {}, \"auto_mapping\": null, \"base_model_name_or_path\":"
            + " \"meta-llama/Llama-2-7b-hf\", \"bias\": \"none\", \"fan_in_fan_out\": false,"
            + " \"inference_mode\": true, \"init_lora_weights\": true, \"layers_pattern\": null,"
            + " \"layers_to_transform\": null, \"loftq_config\": {}, \"lora_alpha\": 32,"
            + " \"lora_dropout\": 0.1, \"megatron_config\": null, \"megatron_core\":"
            + " \"megatron.core\", \"modules_to_save\": null, \"peft_type\": \"LORA\", \"r\": 16,"
            + " \"rank_pattern\": {}, \"revision\": null, \"target_modules\": [\"v_proj\","
            + " \"q_proj\"], \"task_type\": \"CAUSAL_LM\", \"use_dora\": false, \"use_rslora\":"
            + " false}";
    PeftAdapterConfig config =
        PeftAdapterConfig.parse(peft.getBytes(StandardCharsets.UTF_8), "adapter_config.json");
    assertThat(config)
        .isEqualTo(
            new PeftAdapterConfig(
                new LoraSettings(16, 32, 0.1, List.of("v_proj", "q_proj"), false),
                "meta-llama/Llama-2-7b-hf"));
    assertThat(
            PeftAdapterConfig.parse(
                config.toJson().getBytes(StandardCharsets.UTF_8), "adapter_config.json"))
        .isEqualTo(config);
  }

  private static TrainingResult result() {
    StepMetrics first =
        new StepMetrics(1, 2, 0.5, 4.0, 2e-4, 1.5, 100, 1000, OptionalDouble.empty());
    StepMetrics second =
        new StepMetrics(2, 2, 1.0, 3.0, 1e-4, 1.2, 100, 1000, OptionalDouble.of(2.5));
    return new TrainingResult(
        2, 2, List.of(first, second), OptionalDouble.of(2.5), 2, false, 0, 8, 0);
  }
}
