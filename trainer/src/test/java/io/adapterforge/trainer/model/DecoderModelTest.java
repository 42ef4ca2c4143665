package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.safetensors.SafetensorsCheckpoint;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.safetensors.SafetensorsWriter;
import io.adapterforge.trainer.storage.HadoopDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NdManagerExtension.class)
class DecoderModelTest {
  @TempDir Path directory;

  @Test
  void forwardPassLeavesOnlyItsResultBehind(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("gemma3_text"), manager)) {
      NDArray ids = manager.create(new long[][] {{5, 6, 7, 8, 9, 10}, {11, 12, 13, 0, 0, 0}});
      NDArray mask = manager.create(new long[][] {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}});
      int before = manager.getManagedArrays().size();

      NDArray logits = model.logits(ids, mask);

      assertThat(logits.getManager()).isSameAs(manager);
      assertThat(logits.getShape()).isEqualTo(new Shape(2, 6, 512));
      assertThat(manager.getManagedArrays()).hasSize(before + 1).contains(logits);
    }
  }

  @Test
  void listsProjectionsInLayerOrderUnderTheirHuggingFaceNames(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("qwen3"), manager)) {
      List<String> modules =
          List.of(
              "self_attn.q_proj",
              "self_attn.k_proj",
              "self_attn.v_proj",
              "self_attn.o_proj",
              "mlp.gate_proj",
              "mlp.up_proj",
              "mlp.down_proj");
      List<String> expected =
          Stream.of(0, 1)
              .flatMap(layer -> modules.stream().map(m -> "model.layers." + layer + "." + m))
              .collect(Collectors.toList());
      assertThat(model.projections()).extracting(Projection::name).isEqualTo(expected);
      Projection query = model.projection(1, "q_proj");
      // Qwen3 here: 4 heads of head_dim 32 from hidden 64.
      assertThat(query.inFeatures()).isEqualTo(64);
      assertThat(query.outFeatures()).isEqualTo(128);
      assertThat(query.module()).isEqualTo("q_proj");
      assertThat(query.bias()).isEmpty();
    }
  }

  @Test
  void anAdapterAddsToItsProjectionAsAChangedWeightWould(NDManager manager) throws IOException {
    String query = "model.layers.0.self_attn.q_proj.weight";
    String down = "model.layers.1.mlp.down_proj.weight";
    NDArray queryDelta = manager.randomNormal(0, 0.05f, new Shape(64, 64), DataType.FLOAT32);
    NDArray downDelta = manager.randomNormal(0, 0.05f, new Shape(64, 128), DataType.FLOAT32);
    Path changed =
        copyModel(
            "llama",
            tensors -> {
              tensors.put(query, tensors.get(query).add(queryDelta));
              tensors.put(down, tensors.get(down).add(downDelta));
            },
            manager);
    NDArray ids = manager.create(new long[][] {{3, 14, 15, 92, 65, 35, 89, 79}});

    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        DecoderModel reference = DecoderModel.load(changed, manager)) {
      float[] plain = model.logits(ids, null).toFloatArray();
      model
          .projection(0, "q_proj")
          .setAdapter(x -> Linear.linear(x, queryDelta).singletonOrThrow());
      model
          .projection(1, "down_proj")
          .setAdapter(x -> Linear.linear(x, downDelta).singletonOrThrow());

      float[] adapted = model.logits(ids, null).toFloatArray();
      float[] expected = reference.logits(ids, null).toFloatArray();
      assertThat(maxDifference(adapted, expected)).isLessThan(1e-4);
      assertThat(maxDifference(adapted, plain)).isGreaterThan(1e-2);

      model.projection(0, "q_proj").setAdapter(null);
      model.projection(1, "down_proj").setAdapter(null);
      assertThat(model.logits(ids, null).toFloatArray()).containsExactly(plain);
    }
  }

  @Test
  void eachRowOfABatchIsComputedAsIfAlone(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("gemma3_text"), manager)) {
      NDArray ids =
          manager.create(new long[][] {{7, 8, 9, 10, 11, 12, 13}, {20, 21, 22, 23, 0, 0, 0}});
      NDArray mask = manager.create(new int[][] {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}});
      NDArray batch = model.logits(ids, mask);

      NDArray second = model.logits(manager.create(new long[][] {{20, 21, 22, 23}}), null);
      float[] alone = second.toFloatArray();
      float[] inBatch = batch.get(new NDIndex("1:2, 0:4")).toFloatArray();
      assertThat(maxDifference(inBatch, alone)).isLessThan(1e-5);
      float[] first = batch.get(new NDIndex("0:1")).toFloatArray();
      assertThat(
              maxDifference(first, model.logits(ids.get(new NDIndex("0:1")), null).toFloatArray()))
          .isLessThan(1e-5);
    }
  }

  @Test
  void loadsAShardedModelThroughHadoopAsLocally(NDManager manager) throws IOException {
    Path folder = ReferenceModels.model("qwen2");
    NDArray ids = manager.create(new long[][] {{1, 2, 3, 4, 5}});
    try (DecoderModel local = DecoderModel.load(folder, manager);
        DecoderModel hadoop =
            DecoderModel.load(HadoopDirectory.open(folder.toUri(), new Configuration()), manager)) {
      assertThat(hadoop.logits(ids, null).toFloatArray())
          .containsExactly(local.logits(ids, null).toFloatArray());
    }
  }

  @Test
  void reportsAMissingTensor(NDManager manager) throws IOException {
    String missing = "model.layers.1.post_feedforward_layernorm.weight";
    Path folder = copyModel("gemma3_text", tensors -> tensors.remove(missing), manager);
    assertThatThrownBy(() -> DecoderModel.load(folder, manager))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Cannot load gemma3_text model: tensor '" + missing + "' is missing from " + folder);
  }

  @Test
  void reportsAShapeThatDisagreesWithTheConfig(NDManager manager) throws IOException {
    Path folder = copyModel("llama", tensors -> {}, manager);
    String config = Files.readString(folder.resolve("config.json"));
    Files.writeString(
        folder.resolve("config.json"),
        config.replace("\"intermediate_size\": 128", "\"intermediate_size\": 96"));
    assertThatThrownBy(() -> DecoderModel.load(folder, manager))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Cannot load llama model: tensor 'model.layers.0.mlp.gate_proj.weight' in "
                + folder.resolve("model.safetensors")
                + " has shape (128, 64), but config.json (hidden_size 64, num_attention_heads 4,"
                + " num_key_value_heads 2, head_dim 16, intermediate_size 96, vocab_size 512)"
                + " implies (96, 64)");
  }

  @Test
  void refusesInvalidInputs(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("mistral"), manager)) {
      assertThatThrownBy(() -> model.logits(manager.create(new long[][] {{1, 512}}), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot use input_ids with values in [1, 512]: vocab_size is 512");
      assertThatThrownBy(
              () ->
                  model.logits(
                      manager.create(new long[][] {{1, 2}}), manager.create(new long[] {1, 1})))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot use an attention mask of shape (2) with input_ids of shape (1, 2)");
      assertThatThrownBy(() -> model.logits(manager.create(new long[] {1, 2}), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot use input_ids of shape (2): must be [batch, seq], both nonzero");
      assertThatThrownBy(() -> model.logits(manager.create(new float[][] {{1f}}), null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot use input_ids of type float32: must be INT64 or INT32");
    }
  }

  /** A copy of a reference model folder in float32 with its tensors changed by {@code edit}. */
  private Path copyModel(
      String architecture, Consumer<Map<String, NDArray>> edit, NDManager manager)
      throws IOException {
    Path source = ReferenceModels.model(architecture);
    Path target = Files.createDirectories(directory.resolve(architecture));
    Files.copy(source.resolve("config.json"), target.resolve("config.json"));
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(source)) {
      for (String name : checkpoint.names()) {
        tensors.put(name, checkpoint.read(name, manager, DataType.FLOAT32));
      }
    }
    edit.accept(tensors);
    SafetensorsWriter writer = new SafetensorsWriter();
    tensors.forEach(writer::put);
    writer.write(target.resolve(SafetensorsCheckpoint.SINGLE_FILE));
    try (SafetensorsFile written = SafetensorsFile.open(target.resolve("model.safetensors"))) {
      assertThat(written.names()).hasSize(tensors.size());
    }
    return target;
  }

  private static double maxDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
