package io.adapterforge.trainer.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.model.DecoderModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NdManagerExtension.class)
class LoraMixtureTest {
  private static final String Q = "base_model.model.model.layers.0.self_attn.q_proj";
  private static final String V = "base_model.model.model.layers.1.self_attn.v_proj";

  @Test
  void updateOfTheMixtureIsTheMeanOfTheScaledUpdates(NDManager manager) {
    LoraSettings first = new LoraSettings(4, 8, 0.0, List.of("q_proj", "v_proj"), false);
    LoraSettings second = new LoraSettings(2, 16, 0.0, List.of("q_proj"), false);
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        LoraAdapter a = LoraAdapter.create(model, first, 1, manager);
        LoraAdapter b = LoraAdapter.create(model, second, 2, manager)) {
      randomizeB(a, manager, 3);
      randomizeB(b, manager, 4);
      try (LoraAdapter mixture = LoraMixture.average(model, List.of(a, b), manager)) {
        assertThat(mixture.settings().rank()).isEqualTo(6);
        assertThat(mixture.settings().scale()).isEqualTo(1.0);
        assertThat(mixture.settings().targetModules()).containsExactly("q_proj", "v_proj");
        // q_proj: both adapters contribute.
        NDArray expectedQ = delta(a, Q, manager).add(delta(b, Q, manager)).div(2f);
        assertClose(delta(mixture, Q, manager), expectedQ);
        // v_proj: only the first does; the second counts as zero.
        assertClose(delta(mixture, V, manager), delta(a, V, manager).div(2f));
      }
    }
  }

  @Test
  void refusesAnEmptyList(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager)) {
      assertThatThrownBy(() -> LoraMixture.average(model, List.of(), manager))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no LoRA adapters");
    }
  }

  private static void randomizeB(LoraAdapter adapter, NDManager manager, long seed) {
    manager.getEngine().setRandomSeed((int) seed);
    adapter
        .tensors()
        .forEach(
            (key, value) -> {
              if (key.endsWith("lora_B.weight")) {
                value.set(new NDIndex("..."), manager.randomNormal(value.getShape()));
              }
            });
  }

  /** {@code scale · B · A} of one projection. */
  private static NDArray delta(LoraAdapter adapter, String prefix, NDManager manager) {
    NDArray a = adapter.tensors().get(prefix + ".lora_A.weight");
    NDArray b = adapter.tensors().get(prefix + ".lora_B.weight");
    return b.matMul(a).mul((float) adapter.settings().scale());
  }

  private static void assertClose(NDArray actual, NDArray expected) {
    float[] got = actual.toFloatArray();
    float[] want = expected.toFloatArray();
    assertThat(got).hasSameSizeAs(want);
    double maxAbs = 0;
    for (float value : want) {
      maxAbs = Math.max(maxAbs, Math.abs(value));
    }
    assertThat(maxAbs).isGreaterThan(1e-3);
    for (int i = 0; i < got.length; i++) {
      assertThat((double) Math.abs(got[i] - want[i])).isLessThan(1e-5 * Math.max(1, maxAbs));
    }
  }
}
