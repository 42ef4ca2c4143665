package io.adapterforge.trainer.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.adapterforge.config.LoraConfig;
import io.adapterforge.trainer.CounterRandom;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.Projection;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.safetensors.SafetensorsWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NdManagerExtension.class)
class LoraAdapterTest {
  static final LoraSettings ATTENTION =
      new LoraSettings(4, 8, 0.0, List.of("q_proj", "v_proj"), false);

  @TempDir Path directory;

  @Test
  void coversTheTargetModulesOfEveryLayerInModelOrder(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter adapter = LoraAdapter.create(model, ATTENTION, 1, manager)) {
      assertThat(adapter.layers())
          .extracting(LoraLayer::projection)
          .containsExactly(
              "model.layers.0.self_attn.q_proj",
              "model.layers.0.self_attn.v_proj",
              "model.layers.1.self_attn.q_proj",
              "model.layers.1.self_attn.v_proj");
      assertThat(adapter.layers()).extracting(LoraLayer::ordinal).containsExactly(0, 2, 7, 9);
      LoraLayer value = adapter.layers().get(1);
      // Llama reference: hidden 64, 2 key/value heads of 16.
      assertThat(value.a().getShape()).isEqualTo(new Shape(4, 64));
      assertThat(value.b().getShape()).isEqualTo(new Shape(32, 4));
      assertThat(value.keyA())
          .isEqualTo("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight");
      assertThat(value.keyB())
          .isEqualTo("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");
      assertThat(adapter.parameterCount()).isEqualTo(2 * (4 * 64 + 64 * 4) + 2 * (4 * 64 + 32 * 4));
    }
  }

  @Test
  void initializesAsPeftKaimingUniformAAndZeroB(NDManager manager) {
    LoraSettings settings = LoraSettings.of(new LoraConfig(16, 32, 0, List.of("down_proj")));
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter adapter = LoraAdapter.create(model, settings, 7, manager);
        LoraAdapter same = LoraAdapter.create(model, settings, 7, manager);
        LoraAdapter other = LoraAdapter.create(model, settings, 8, manager)) {
      LoraLayer down = adapter.layers().get(0);
      float[] a = down.a().toFloatArray();
      // kaiming_uniform_(a=√5) on [r, in]: U(-1/√in, 1/√in); down_proj has in_features 128.
      double bound = 1 / Math.sqrt(128);
      double sum = 0;
      double squares = 0;
      for (float value : a) {
        assertThat((double) Math.abs(value)).isLessThanOrEqualTo(bound);
        sum += value;
        squares += value * value;
      }
      assertThat(sum / a.length).isCloseTo(0, within(bound * 0.05));
      assertThat(squares / a.length).isCloseTo(bound * bound / 3, within(bound * bound * 0.03));
      assertThat(down.b().toFloatArray()).containsOnly(0f);
      assertThat(same.layers().get(0).a().toFloatArray()).containsExactly(a);
      assertThat(other.layers().get(0).a().toFloatArray()).isNotEqualTo(a);
      assertThat(down.scale()).isEqualTo(2f);
    }
  }

  @Test
  void rsLoraScalesByAlphaOverRootRank() {
    assertThat(new LoraSettings(16, 32, 0, List.of("q_proj"), true).scale()).isEqualTo(8.0);
    assertThat(new LoraSettings(16, 32, 0, List.of("q_proj"), false).scale()).isEqualTo(2.0);
  }

  @Test
  void settingsAreValidatedByTheConfigRules() {
    assertThatThrownBy(() -> new LoraSettings(0, 8, 0, List.of("q_proj"), false))
        .hasMessage("Cannot use train.lora.rank 0: must be positive");
    assertThatThrownBy(() -> new LoraSettings(4, 8, 0, List.of("lm_head"), false))
        .hasMessageContaining("'lm_head' is not one of");
  }

  @Test
  void onlyLoraWeightsRequireGradients(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("qwen2"), manager);
        LoraAdapter adapter = LoraAdapter.create(model, ATTENTION, 1, manager)) {
      for (Projection projection : model.projections()) {
        assertThat(projection.weight().hasGradient()).as(projection.name()).isFalse();
        projection.bias().ifPresent(bias -> assertThat(bias.hasGradient()).isFalse());
      }
      assertThat(adapter.parameters())
          .allSatisfy(parameter -> assertThat(parameter.array().hasGradient()).isTrue());
      assertThat(adapter.parameters().get(0).array().getManager()).isSameAs(adapter.manager());
    }
  }

  @Test
  void attachedAdapterAddsScaledBaOfItsInput(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter adapter = LoraAdapter.create(model, ATTENTION, 3, manager)) {
      LoraLayer query = adapter.layers().get(0);
      NDArray b = manager.randomNormal(0, 0.1f, query.b().getShape(), DataType.FLOAT32);
      query.b().stopGradient().set(new NDIndex("..."), b);
      Projection projection = model.projection(0, "q_proj");
      NDArray x = manager.randomNormal(new Shape(2, 3, 64));
      float[] plain = projection.apply(x).toFloatArray();

      try (LoraAdapter.Attachment attachment = adapter.attach(model)) {
        float[] adapted = projection.apply(x).toFloatArray();
        NDArray delta =
            Linear.linear(Linear.linear(x, query.a()).singletonOrThrow(), b)
                .singletonOrThrow()
                .mul(2f);
        float[] expected = delta.toFloatArray();
        for (int i = 0; i < plain.length; i++) {
          assertThat(adapted[i] - plain[i]).isCloseTo(expected[i], within(1e-5f));
        }
      }
      assertThat(projection.adapter()).isEmpty();
      assertThat(projection.apply(x).toFloatArray()).containsExactly(plain);
    }
  }

  @Test
  void refusesTwoAdaptersOnOneModel(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter first = LoraAdapter.create(model, ATTENTION, 1, manager);
        LoraAdapter second = LoraAdapter.create(model, ATTENTION, 2, manager);
        LoraAdapter.Attachment attached = first.attach(model)) {
      assertThatThrownBy(() -> second.attach(model))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "projection model.layers.0.self_attn.q_proj already has an adapter");
      assertThatThrownBy(() -> first.attach(model))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("Cannot attach a LoRA adapter twice");
      attached.close();
      try (LoraAdapter.Attachment now = second.attach(model)) {
        assertThat(model.projection(1, "v_proj").adapter()).containsSame(second.layers().get(3));
      }
    }
  }

  @Test
  void refusesAModelOfAnotherShape(NDManager manager) {
    try (DecoderModel llama = DecoderModel.load(ReferenceModels.model("llama"), manager);
        DecoderModel qwen3 = DecoderModel.load(ReferenceModels.model("qwen3"), manager);
        LoraAdapter adapter = LoraAdapter.create(llama, ATTENTION, 1, manager)) {
      assertThatThrownBy(() -> adapter.attach(qwen3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "projection model.layers.0.self_attn.q_proj has shape (128, 64), the adapter was"
                  + " made for (64, 64)");
    }
  }

  @Test
  void dropoutMasksAreKeyedAndDropTheConfiguredShare(NDManager manager) {
    LoraSettings settings = new LoraSettings(4, 4, 0.25, List.of("q_proj"), false);
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter adapter = LoraAdapter.create(model, settings, 1, manager)) {
      LoraLayer layer = adapter.layers().get(0);
      // B = identity-like ones so the delta is a sum of dropped inputs' A-projections.
      layer.b().stopGradient().set(new NDIndex("..."), 1f);
      NDArray x = manager.ones(new Shape(1, 400, 64));
      adapter.setTraining(true);
      adapter.setDropoutKey(11);
      float[] first = layer.delta(x).toFloatArray();
      float[] again = layer.delta(x).toFloatArray();
      adapter.setDropoutKey(12);
      float[] other = layer.delta(x).toFloatArray();
      adapter.setTraining(false);
      float[] inference = layer.delta(x).toFloatArray();

      assertThat(again).containsExactly(first);
      assertThat(other).isNotEqualTo(first);
      // Without dropout every position gives the same delta; with it they differ.
      assertThat(inference[0]).isEqualTo(inference[64 * 10]);
      assertThat(first[0]).isNotEqualTo(first[64]);
      long dropped = 0;
      for (int i = 0; i < 400 * 64; i++) {
        if (CounterRandom.uniform(CounterRandom.key(11, layer.ordinal()), i) < 0.25) {
          dropped++;
        }
      }
      assertThat(dropped / (400.0 * 64)).isCloseTo(0.25, within(0.01));
    }
  }

  @Test
  void loadsWeightsInPlaceAndNamesWhatDoesNotFit(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter source = LoraAdapter.create(model, ATTENTION, 1, manager);
        LoraAdapter target = LoraAdapter.create(model, ATTENTION, 2, manager)) {
      source.layers().get(2).b().stopGradient().set(new NDIndex("..."), 0.5f);
      Path file = directory.resolve("lora.safetensors");
      SafetensorsWriter writer = new SafetensorsWriter();
      source.tensors().forEach(writer::put);
      writer.write(file);
      NDArray trackedBefore = target.layers().get(2).b();

      try (SafetensorsFile weights = SafetensorsFile.open(file)) {
        target.load(weights);
      }

      assertThat(target.layers().get(2).b()).isSameAs(trackedBefore);
      for (Map.Entry<String, NDArray> tensor : source.tensors().entrySet()) {
        assertThat(target.tensors().get(tensor.getKey()).toFloatArray())
            .containsExactly(tensor.getValue().toFloatArray());
      }

      Path wrong = directory.resolve("wrong.safetensors");
      SafetensorsWriter misshapen = new SafetensorsWriter();
      source.tensors().forEach(misshapen::put);
      misshapen.put(
          "base_model.model.model.layers.0.mlp.up_proj.lora_A.weight",
          manager.zeros(new Shape(4, 64)));
      misshapen.write(wrong);
      try (SafetensorsFile weights = SafetensorsFile.open(wrong)) {
        assertThatThrownBy(() -> target.load(weights))
            .isInstanceOf(ModelLoadException.class)
            .hasMessage(
                "Cannot load LoRA weights from "
                    + wrong
                    + ": tensor 'base_model.model.model.layers.0.mlp.up_proj.lora_A.weight' is not"
                    + " one of this adapter's (rank 4 on [q_proj, v_proj])");
      }
    }
  }

  @Test
  void snapshotsAndCopiesWeights(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter adapter = LoraAdapter.create(model, ATTENTION, 1, manager)) {
      LoraAdapter snapshot = adapter.snapshot(manager);
      float[] before = adapter.layers().get(0).a().toFloatArray();
      adapter.layers().get(0).a().stopGradient().set(new NDIndex("..."), 3f);
      assertThat(snapshot.layers().get(0).a().toFloatArray()).containsExactly(before);
      adapter.copyFrom(snapshot);
      assertThat(adapter.layers().get(0).a().toFloatArray()).containsExactly(before);
      snapshot.close();
    }
  }
}
