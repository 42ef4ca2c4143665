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
import io.adapterforge.trainer.model.WeightPrecision;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Gradients must not change when the JVM collects garbage between the forward and the backward
 * pass. On the CPU, DJL's PyTorch engine backs arrays made from Java data (including the scalar of
 * {@code x.mul(2f)}) by a direct buffer that the Java array object keeps alive; once that object is
 * closed and collected, a tensor the autograd graph saved on it reads freed memory. This test
 * collects garbage and overwrites freed native memory with NaN before each backward pass.
 */
@ExtendWith(NdManagerExtension.class)
class BackwardAfterGarbageCollectionTest {
  @ParameterizedTest
  @CsvSource({"llama, FLOAT32", "gemma3_text, FLOAT32", "qwen3, BFLOAT16"})
  void gradientsSurviveACollectionBeforeBackward(
      String architecture, WeightPrecision precision, NDManager manager) throws Exception {
    LoraSettings settings =
        new LoraSettings(
            4,
            8,
            0.2,
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
            false);
    Batch batch = Batch.of(Rows.random(3, 9, 512, 5), 0);
    try (DecoderModel model =
            DecoderModel.load(
                StorageDirectory.local(ReferenceModels.model(architecture)), manager, precision);
        LoraAdapter adapter = LoraAdapter.create(model, settings, 4, manager);
        LoraAdapter.Attachment attached = adapter.attach(model)) {
      for (TrainableParameter parameter : adapter.parameters()) {
        NDArray values =
            manager.randomNormal(0, 0.2f, parameter.array().getShape(), DataType.FLOAT32);
        parameter.array().stopGradient().set(new NDIndex("..."), values);
      }
      List<float[]> undisturbed = gradients(model, adapter, batch, false);
      List<float[]> collected = gradients(model, adapter, batch, true);
      for (int i = 0; i < undisturbed.size(); i++) {
        assertThat(collected.get(i))
            .as(adapter.parameters().get(i).name())
            .containsExactly(undisturbed.get(i));
      }
    }
  }

  private static List<float[]> gradients(
      DecoderModel model, LoraAdapter adapter, Batch batch, boolean collect) throws Exception {
    adapter.setTraining(true);
    adapter.setDropoutKey(9);
    try (AdamW optimizer = new AdamW(adapter.parameters(), 0.9, 0.999, 1e-8, 0)) {
      optimizer.zeroGradients();
      try (NDManager scope = adapter.manager().newSubManager();
          GradientCollector collector = scope.getEngine().newGradientCollector()) {
        NDArray loss = CausalLmLoss.sum(model, batch, scope);
        if (collect) {
          collectAndOverwriteFreedMemory();
        }
        collector.backward(loss);
      }
    } finally {
      adapter.setTraining(false);
    }
    List<float[]> gradients = new ArrayList<>();
    for (TrainableParameter parameter : adapter.parameters()) {
      try (NDArray gradient = parameter.array().getGradient()) {
        gradients.add(gradient.toFloatArray());
      }
    }
    return gradients;
  }

  private static void collectAndOverwriteFreedMemory() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
    List<ByteBuffer> filler = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.nativeOrder());
      while (buffer.hasRemaining()) {
        buffer.putFloat(Float.NaN);
      }
      filler.add(buffer);
    }
    assertThat(filler).hasSize(64);
  }
}
