package io.adapterforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code merge} on a {@code make-base-model} model and a random LoRA adapter. */
class MergeCommandTest {
  @TempDir static Path shared;
  @TempDir Path temp;

  private static Path base;
  private static Path adapter;

  @BeforeAll
  static void makeBaseModelAndAdapter() {
    base = shared.resolve("base");
    AdapterforgeCliTest.Result made =
        MakeBaseModelCommandTest.makeBaseModel("llama", "llama2", base);
    assertThat(made.exitCode()).as(made.err()).isZero();
    adapter = shared.resolve("adapter");
    LoraSettings settings =
        new LoraSettings(4, 8, 0, List.of("q_proj", "v_proj", "o_proj", "down_proj"), false);
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(base, manager);
        LoraAdapter lora = LoraAdapter.create(model, settings, 3, manager)) {
      for (TrainableParameter parameter : lora.parameters()) {
        NDArray values =
            manager.randomNormal(0, 0.3f, parameter.array().getShape(), DataType.FLOAT32);
        parameter.array().stopGradient().set(new NDIndex("..."), values);
      }
      PeftAdapter.write(adapter, lora, base.toString(), null);
    }
  }

  @Test
  void mergedModelScoresAsBasePlusAdapter() throws IOException {
    Path merged = temp.resolve("merged");

    AdapterforgeCliTest.Result result =
        AdapterforgeCliTest.run(
            "merge",
            "--base-model",
            base.toString(),
            "--adapter",
            adapter.toString(),
            "--output",
            merged.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Merged 8 LoRA projections of " + adapter + " into " + merged);
    for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      assertThat(Files.mismatch(merged.resolve(file), base.resolve(file))).isEqualTo(-1);
    }
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel baseModel = DecoderModel.load(base, manager);
        LoraAdapter lora =
            PeftAdapter.load(
                io.adapterforge.trainer.storage.StorageDirectory.local(adapter),
                baseModel,
                manager);
        DecoderModel mergedModel = DecoderModel.load(merged, manager)) {
      NDArray ids = manager.create(new long[][] {{1, 450, 4996, 17354, 1701, 29916}});
      float[] plain = baseModel.logits(ids, null).toFloatArray();
      float[] expected;
      try (LoraAdapter.Attachment attached = lora.attach(baseModel)) {
        expected = baseModel.logits(ids, null).toFloatArray();
      }
      float[] actual = mergedModel.logits(ids, null).toFloatArray();
      double worst = 0;
      double changed = 0;
      for (int i = 0; i < actual.length; i++) {
        worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        changed = Math.max(changed, Math.abs(expected[i] - plain[i]));
      }
      assertThat(worst).isLessThan(1e-4);
      assertThat(changed).isGreaterThan(1e-3);
    }
  }

  @Test
  void failuresNameTheFileOrOption() throws IOException {
    Path missing = temp.resolve("no-adapter");
    Files.createDirectories(missing);
    AdapterforgeCliTest.Result noAdapter =
        AdapterforgeCliTest.run(
            "merge",
            "--base-model",
            base.toString(),
            "--adapter",
            missing.toString(),
            "--output",
            temp.resolve("out").toString());
    assertThat(noAdapter.exitCode()).isEqualTo(1);
    assertThat(noAdapter.err())
        .contains("Cannot load a PEFT adapter from " + missing + ": it has no adapter_config.json");
    assertThat(temp.resolve("out")).doesNotExist();

    AdapterforgeCliTest.Result occupied =
        AdapterforgeCliTest.run(
            "merge",
            "--base-model",
            base.toString(),
            "--adapter",
            adapter.toString(),
            "--output",
            base.toString());
    assertThat(occupied.exitCode()).isEqualTo(2);
    assertThat(occupied.err())
        .contains("Cannot write --output " + base + ": it exists and is not an empty folder");
  }
}
