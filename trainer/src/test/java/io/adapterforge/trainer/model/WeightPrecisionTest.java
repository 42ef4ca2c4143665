package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.storage.StorageDirectory;
import io.adapterforge.trainer.train.CausalLmLoss;
import io.adapterforge.trainer.train.ExampleSource;
import io.adapterforge.trainer.train.LoraTrainer;
import io.adapterforge.trainer.train.TrainingExample;
import io.adapterforge.trainer.train.TrainingOptions;
import io.adapterforge.trainer.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bfloat16 base-weight path, simulated in float32 on the CPU (DJL's CPU engine cannot hold
 * bfloat16 arrays), against float32.
 */
@ExtendWith(NdManagerExtension.class)
class WeightPrecisionTest {
  @Test
  void roundingMatchesRoundToNearestEvenExceptExactTies(NDManager manager) {
    SplittableRandom random = new SplittableRandom(3);
    float[] values = new float[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-6, 7)));
    }
    float[] rounded = Bfloat16Rounding.round(manager.create(values)).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      int bits = Float.floatToRawIntBits(values[i]);
      int nearestEven = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
      boolean tie = (bits & 0xFFFF) == 0x8000;
      if (!tie) {
        assertThat(Float.floatToRawIntBits(rounded[i])).as("%s", values[i]).isEqualTo(nearestEven);
      }
    }
  }

  @Test
  void heldWeightsAreBfloat16Values(NDManager manager) {
    try (DecoderModel model =
        DecoderModel.load(
            StorageDirectory.local(ReferenceModels.model("llama")),
            manager,
            WeightPrecision.BFLOAT16)) {
      assertThat(model.precision()).isEqualTo(WeightPrecision.BFLOAT16);
      for (Projection projection : model.projections()) {
        for (float value : projection.weight().toFloatArray()) {
          assertThat(Float.floatToRawIntBits(value) & 0xFFFF).isZero();
        }
      }
    }
  }

  @Test
  void bfloat16LogitsAndTrainingStayCloseToFloat32(NDManager manager) {
    List<TrainingExample> rows = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(8);
    for (int r = 0; r < 6; r++) {
      int[] ids = random.ints(10, 3, 512).toArray();
      int[] labels = ids.clone();
      labels[0] = TrainingExample.IGNORE_INDEX;
      rows.add(new TrainingExample(ids, labels));
    }
    LoraSettings settings =
        new LoraSettings(4, 8, 0, List.of("q_proj", "v_proj", "up_proj"), false);
    TrainingOptions options =
        TrainingOptions.builder().optEpochs(3).optBatchSize(3).optLearningRate(5e-3).build();
    NDArray ids = manager.create(new long[][] {{3, 14, 15, 92, 65, 35, 89, 79}});
    double[] finalLoss = new double[2];
    float[][] logits = new float[2][];
    WeightPrecision[] precisions = {WeightPrecision.FLOAT32, WeightPrecision.BFLOAT16};
    for (int p = 0; p < 2; p++) {
      try (DecoderModel model =
              DecoderModel.load(
                  StorageDirectory.local(ReferenceModels.model("llama")), manager, precisions[p]);
          LoraAdapter adapter = LoraAdapter.create(model, settings, 1, manager)) {
        logits[p] = model.logits(ids, null).toFloatArray();
        TrainingResult result =
            LoraTrainer.train(
                model,
                adapter,
                ExampleSource.of(rows),
                null,
                options,
                m -> System.out.println("DBG " + model.precision() + " " + m));
        finalLoss[p] = result.finalLoss();
        try (LoraAdapter.Attachment attached = adapter.attach(model)) {
          assertThat(CausalLmLoss.total(model, rows, 6, manager).mean()).isFinite();
        }
      }
    }
    double worst = 0;
    double scale = 0;
    for (int i = 0; i < logits[0].length; i++) {
      worst = Math.max(worst, Math.abs(logits[0][i] - logits[1][i]));
      scale = Math.max(scale, Math.abs(logits[0][i]));
    }
    // bfloat16 keeps 8 significant bits: relative rounding about 2^-9 per value.
    assertThat(worst).isGreaterThan(0).isLessThan(0.05 * scale);
    assertThat(finalLoss[1])
        .isCloseTo(finalLoss[0], org.assertj.core.data.Percentage.withPercentage(2));
  }

  /**
   * The real bfloat16 path on a GPU against the CPU simulation. Runs only where DJL sees a GPU
   * (with a CUDA libtorch); skipped elsewhere.
   */
  @Test
  @Tag("gpu")
  @EnabledIf("hasGpu")
  void realBfloat16OnAGpuAgreesWithTheSimulation(NDManager manager) {
    StorageDirectory folder = StorageDirectory.local(ReferenceModels.model("llama"));
    long[][] ids = {{3, 14, 15, 92, 65, 35, 89, 79}};
    try (NDManager gpu = NDManager.newBaseManager(Device.gpu());
        DecoderModel real = DecoderModel.load(folder, gpu, WeightPrecision.BFLOAT16);
        DecoderModel simulated = DecoderModel.load(folder, manager, WeightPrecision.BFLOAT16)) {
      assertThat(real.projections().get(0).weight().getDataType()).isEqualTo(DataType.BFLOAT16);
      float[] onGpu = real.logits(gpu.create(ids), null).toFloatArray();
      float[] onCpu = simulated.logits(manager.create(ids), null).toFloatArray();
      double worst = 0;
      double scale = 0;
      for (int i = 0; i < onCpu.length; i++) {
        worst = Math.max(worst, Math.abs(onGpu[i] - onCpu[i]));
        scale = Math.max(scale, Math.abs(onCpu[i]));
      }
      assertThat(worst).isLessThan(0.02 * scale);
    }
  }

  static boolean hasGpu() {
    return Engine.getInstance().getGpuCount() > 0;
  }
}
