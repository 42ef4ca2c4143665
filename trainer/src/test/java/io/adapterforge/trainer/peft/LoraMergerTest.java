package io.adapterforge.trainer.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraLayer;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.safetensors.SafetensorsCheckpoint;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.safetensors.TensorInfo;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NdManagerExtension.class)
class LoraMergerTest {
  static final LoraSettings ALL =
      new LoraSettings(
          4,
          8,
          0,
          List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
          false);

  @TempDir Path directory;

  @Test
  void mergedModelComputesWhatBasePlusAdapterComputes(NDManager manager) throws IOException {
    Path base = ReferenceModels.model("llama");
    Path adapterFolder = directory.resolve("adapter");
    Path merged = directory.resolve("merged");
    NDArray ids =
        manager.create(new long[][] {{3, 14, 15, 92, 65, 35, 89, 79}, {2, 7, 1, 8, 0, 0, 0, 0}});
    NDArray mask =
        manager.create(new long[][] {{1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0, 0}});
    float[] expected;
    float[] plain;
    try (DecoderModel model = DecoderModel.load(base, manager);
        LoraAdapter adapter = PeftAdapterTest.randomAdapter(model, ALL, manager)) {
      PeftAdapter.write(adapterFolder, adapter, base.toString(), null);
      plain = model.logits(ids, mask).toFloatArray();
      try (LoraAdapter.Attachment attached = adapter.attach(model)) {
        expected = model.logits(ids, mask).toFloatArray();
      }
    }

    int count =
        LoraMerger.merge(
            StorageDirectory.local(base), StorageDirectory.local(adapterFolder), merged, manager);

    assertThat(count).isEqualTo(14);
    assertThat(Files.readString(merged.resolve("config.json")))
        .isEqualTo(Files.readString(base.resolve("config.json")));
    try (DecoderModel model = DecoderModel.load(merged, manager)) {
      float[] actual = model.logits(ids, mask).toFloatArray();
      assertThat(maxDifference(actual, expected)).isLessThan(1e-4);
      assertThat(maxDifference(actual, plain)).isGreaterThan(1e-2);
    }
    try (SafetensorsFile original = SafetensorsFile.open(base.resolve("model.safetensors"));
        SafetensorsFile written = SafetensorsFile.open(merged.resolve("model.safetensors"))) {
      assertThat(written.names()).isEqualTo(original.names());
      assertThat(rawBytes(written, "model.embed_tokens.weight"))
          .isEqualTo(rawBytes(original, "model.embed_tokens.weight"));
      assertThat(rawBytes(written, "model.layers.0.input_layernorm.weight"))
          .isEqualTo(rawBytes(original, "model.layers.0.input_layernorm.weight"));
    }
  }

  @Test
  void keepsShardsAndDtypesOfTheBase(NDManager manager) throws IOException {
    for (String architecture : List.of("qwen2", "qwen3")) {
      Path base = ReferenceModels.model(architecture);
      Path adapterFolder = directory.resolve(architecture + "-adapter");
      Path merged = directory.resolve(architecture + "-merged");
      String query = "model.layers.1.self_attn.q_proj";
      float[] delta;
      try (DecoderModel model = DecoderModel.load(base, manager);
          LoraAdapter adapter = PeftAdapterTest.randomAdapter(model, ALL, manager)) {
        PeftAdapter.write(adapterFolder, adapter, base.toString(), null);
        LoraLayer layer =
            adapter.layers().stream()
                .filter(l -> l.projection().equals(query))
                .findFirst()
                .orElseThrow();
        delta = layer.b().matMul(layer.a()).mul(layer.scale()).toFloatArray();
      }

      LoraMerger.merge(
          StorageDirectory.local(base), StorageDirectory.local(adapterFolder), merged, manager);

      try (SafetensorsCheckpoint original = SafetensorsCheckpoint.open(base);
          SafetensorsCheckpoint written = SafetensorsCheckpoint.open(merged)) {
        assertThat(written.files()).hasSameSizeAs(original.files());
        TensorInfo info = written.info(query + ".weight").orElseThrow();
        assertThat(info.dtype()).isEqualTo(original.info(query + ".weight").orElseThrow().dtype());
        float[] before = original.read(query + ".weight", manager, DataType.FLOAT32).toFloatArray();
        float[] after = written.read(query + ".weight", manager, DataType.FLOAT32).toFloatArray();
        for (int i = 0; i < after.length; i++) {
          float exact = before[i] + delta[i];
          // One rounding to the stored type (F16: 11 bits, BF16: 8 bits).
          double ulp = Math.abs(exact) * (architecture.equals("qwen2") ? 0x1p-11 : 0x1p-8);
          assertThat((double) after[i])
              .as("%s[%d]", query, i)
              .isCloseTo(exact, org.assertj.core.data.Offset.offset(ulp + 1e-6));
        }
      }
      if (architecture.equals("qwen2")) {
        assertThat(Files.readString(merged.resolve("model.safetensors.index.json")))
            .isEqualTo(Files.readString(base.resolve("model.safetensors.index.json")));
      }
    }
  }

  @Test
  void refusesAnAdapterThatDoesNotFitAndAnOccupiedOutput(NDManager manager) throws IOException {
    Path adapterFolder = directory.resolve("adapter");
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("qwen3"), manager);
        LoraAdapter adapter = PeftAdapterTest.randomAdapter(model, ALL, manager)) {
      PeftAdapter.write(adapterFolder, adapter, "qwen3", null);
    }
    Path llama = ReferenceModels.model("llama");
    assertThatThrownBy(
            () ->
                LoraMerger.merge(
                    StorageDirectory.local(llama),
                    StorageDirectory.local(adapterFolder),
                    directory.resolve("out"),
                    manager))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "Cannot merge "
                + adapterFolder.resolve("adapter_model.safetensors")
                + " into "
                + llama
                + ": 'model.layers.0.self_attn.k_proj.weight' is F32 (32, 64), which lora_A (4,"
                + " 64) and lora_B (64, 4) do not fit");
    assertThat(directory.resolve("out")).doesNotExist();
    try (Stream<Path> leftovers = Files.list(directory)) {
      assertThat(leftovers).containsExactly(adapterFolder);
    }

    Path occupied = Files.createDirectories(directory.resolve("occupied"));
    Files.writeString(occupied.resolve("keep.txt"), "mine");
    Path qwen3 = ReferenceModels.model("qwen3");
    assertThatThrownBy(
            () ->
                LoraMerger.merge(
                    StorageDirectory.local(qwen3),
                    StorageDirectory.local(adapterFolder),
                    occupied,
                    manager))
        .isInstanceOf(TrainingException.class)
        .hasMessage("Cannot write " + occupied + ": it exists and is not an empty folder");
    assertThat(occupied.resolve("keep.txt")).hasContent("mine");
  }

  private static byte[] rawBytes(SafetensorsFile file, String name) {
    ByteBuffer buffer = ByteBuffer.allocate((int) file.info(name).orElseThrow().byteSize());
    file.readBytes(name, 0, buffer);
    return buffer.array();
  }

  private static double maxDifference(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
