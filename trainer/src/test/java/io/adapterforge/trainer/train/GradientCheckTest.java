package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.model.DecoderModel;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autograd through the model, whose forward pass frees each layer's intermediates as it goes,
 * against central finite differences of the loss, independently of the PyTorch reference.
 */
@ExtendWith(NdManagerExtension.class)
class GradientCheckTest {
  private static final double STEP = 1e-2;

  @ParameterizedTest
  @ValueSource(strings = {"qwen3", "gemma3_text"})
  void gradientsAgreeWithFiniteDifferences(String architecture, NDManager manager) {
    LoraSettings settings =
        new LoraSettings(2, 4, 0, List.of("k_proj", "o_proj", "up_proj", "down_proj"), false);
    List<TrainingExample> rows = Rows.random(3, 9, 512, 17);
    Batch batch = Batch.of(rows, 0);
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model(architecture), manager);
        LoraAdapter adapter = LoraAdapter.create(model, settings, 4, manager);
        LoraAdapter.Attachment attached = adapter.attach(model)) {
      for (TrainableParameter parameter : adapter.parameters()) {
        if (parameter.name().endsWith("lora_B.weight")) {
          NDArray b = manager.randomNormal(0, 0.3f, parameter.array().getShape(), DataType.FLOAT32);
          parameter.array().stopGradient().set(new NDIndex("..."), b);
        }
      }
      adapter.setTraining(true);
      try (NDManager scope = manager.newSubManager();
          GradientCollector collector = scope.getEngine().newGradientCollector()) {
        collector.backward(CausalLmLoss.sum(model, batch, scope));
      }
      adapter.setTraining(false);

      int checked = 0;
      for (TrainableParameter parameter : adapter.parameters()) {
        float[] gradient = parameter.array().getGradient().toFloatArray();
        // The largest component of each gradient, where a difference is far above rounding.
        int index = 0;
        for (int i = 1; i < gradient.length; i++) {
          if (Math.abs(gradient[i]) > Math.abs(gradient[index])) {
            index = i;
          }
        }
        assertThat(Math.abs(gradient[index])).as(parameter.name()).isGreaterThan(0.05f);
        NDArray flat = parameter.array().stopGradient().reshape(-1);
        float original = flat.getFloat(index);
        flat.set(new NDIndex(index), original + (float) STEP);
        double up = loss(model, batch, manager);
        flat.set(new NDIndex(index), original - (float) STEP);
        double down = loss(model, batch, manager);
        flat.set(new NDIndex(index), original);
        double numeric = (up - down) / (2 * STEP);
        assertThat(numeric)
            .as("d loss / d %s[%d]", parameter.name(), index)
            .isCloseTo(
                gradient[index],
                org.assertj.core.data.Offset.offset(2e-3 + 1e-2 * Math.abs(gradient[index])));
        checked++;
      }
      assertThat(checked).isEqualTo(adapter.parameters().size());
    }
  }

  private static double loss(DecoderModel model, Batch batch, NDManager manager) {
    try (NDManager scope = manager.newSubManager()) {
      return CausalLmLoss.sum(model, batch, scope).getFloat();
    }
  }
}
