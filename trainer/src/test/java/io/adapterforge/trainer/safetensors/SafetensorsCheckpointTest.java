package io.adapterforge.trainer.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.storage.HadoopDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCheckpointTest {
  @TempDir Path directory;

  @Test
  void mapsEveryTensorOfAShardedIndexToItsShard() throws IOException {
    Path folder = ReferenceModels.model("qwen2");
    JsonNode weightMap =
        new ObjectMapper()
            .readTree(folder.resolve(SafetensorsCheckpoint.INDEX_FILE).toFile())
            .get("weight_map");
    List<String> indexed = new ArrayList<>();
    weightMap.fieldNames().forEachRemaining(indexed::add);

    try (NDManager manager = NDManager.newBaseManager();
        SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder)) {
      assertThat(checkpoint.files()).hasSize(2);
      assertThat(checkpoint.names()).containsExactlyInAnyOrderElementsOf(indexed);
      for (String name : indexed) {
        assertThat(checkpoint.locationOf(name))
            .isEqualTo(folder.resolve(weightMap.get(name).textValue()).toString());
      }
      String bias = "model.layers.1.self_attn.k_proj.bias";
      assertThat(checkpoint.info(bias).orElseThrow().dtype()).isEqualTo(TensorDtype.F16);
      assertThat(checkpoint.read(bias, manager).getShape()).isEqualTo(new Shape(32));
    }
  }

  @Test
  void readsTheSameTensorsThroughHadoop() throws IOException {
    Path folder = ReferenceModels.model("qwen2");
    try (NDManager manager = NDManager.newBaseManager();
        SafetensorsCheckpoint local = SafetensorsCheckpoint.open(folder);
        SafetensorsCheckpoint hadoop =
            SafetensorsCheckpoint.open(HadoopDirectory.open(folder.toUri(), new Configuration()))) {
      assertThat(hadoop.names()).isEqualTo(local.names());
      for (String name : local.names()) {
        assertThat(hadoop.read(name, manager).toFloatArray())
            .as(name)
            .containsExactly(local.read(name, manager).toFloatArray());
      }
    }
  }

  @Test
  void reportsAFolderWithoutWeights() {
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(directory))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Cannot find model weights in "
                + directory
                + ": it has neither model.safetensors nor model.safetensors.index.json");
  }

  @Test
  void reportsAnIndexThatNamesAMissingShard() throws IOException {
    writeIndex("{\"weight_map\": {\"w\": \"model-00001-of-00002.safetensors\"}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(directory))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            invalidIndex(
                "weight_map puts tensor 'w' in "
                    + directory.resolve("model-00001-of-00002.safetensors")
                    + ", which does not exist"));
  }

  @Test
  void reportsAnIndexThatPutsATensorInTheWrongShard() throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      new SafetensorsWriter()
          .put("other", manager.ones(new Shape(1)))
          .write(directory.resolve("shard.safetensors"));
    }
    writeIndex("{\"weight_map\": {\"w\": \"shard.safetensors\"}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(directory))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            invalidIndex(
                "weight_map puts tensor 'w' in "
                    + directory.resolve("shard.safetensors")
                    + ", which does not hold it"));
  }

  @Test
  void refusesShardsOutsideTheModelFolder() throws IOException {
    writeIndex("{\"weight_map\": {\"w\": \"../elsewhere.safetensors\"}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(directory))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            invalidIndex(
                "weight_map entry 'w' is \"../elsewhere.safetensors\", not a file name in the"
                    + " model folder"));
  }

  @Test
  void reportsAnIndexWithoutWeightMap() throws IOException {
    writeIndex("{\"metadata\": {\"total_size\": 0}}");
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(directory))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(invalidIndex("it has no non-empty weight_map object"));
  }

  private String invalidIndex(String reason) {
    return "Invalid " + directory.resolve(SafetensorsCheckpoint.INDEX_FILE) + ": " + reason;
  }

  private void writeIndex(String json) throws IOException {
    Files.writeString(directory.resolve(SafetensorsCheckpoint.INDEX_FILE), json);
  }
}
