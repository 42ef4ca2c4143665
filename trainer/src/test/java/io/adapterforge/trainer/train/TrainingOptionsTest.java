package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TrainingOptionsTest {
  @Test
  void defaults() {
    assertThat(TrainingOptions.builder().build())
        .isEqualTo(
            new TrainingOptions(
                3,
                0,
                8,
                1,
                2e-4,
                0,
                0.9,
                0.999,
                1e-8,
                LearningRateSchedule.LINEAR,
                0,
                0,
                1.0,
                42,
                true,
                0,
                0,
                0,
                true,
                0,
                2,
                null,
                0));
  }

  @Test
  void everyOptionMaps() {
    TrainingOptions options =
        TrainingOptions.builder()
            .optEpochs(5)
            .optMaxSteps(100)
            .optBatchSize(4)
            .optGradientAccumulationSteps(3)
            .optLearningRate(1e-3)
            .optWeightDecay(0.1)
            .optAdamBetas(0.8, 0.95)
            .optAdamEpsilon(1e-6)
            .optSchedule(LearningRateSchedule.COSINE)
            .optWarmupSteps(7)
            .optWarmupRatio(0.1)
            .optMaxGradNorm(0.5)
            .optSeed(9)
            .optGroupByLength(false)
            .optEvalSteps(10)
            .optEarlyStopping(3, 0.01)
            .optRestoreBestWeights(false)
            .optCheckpoints(Path.of("/tmp/ckpt"), 20, 4)
            .optPadTokenId(2)
            .build();
    assertThat(options)
        .isEqualTo(
            new TrainingOptions(
                5,
                100,
                4,
                3,
                1e-3,
                0.1,
                0.8,
                0.95,
                1e-6,
                LearningRateSchedule.COSINE,
                7,
                0.1,
                0.5,
                9,
                false,
                10,
                3,
                0.01,
                false,
                20,
                4,
                Path.of("/tmp/ckpt"),
                2));
    assertThat(options.toBuilder().build()).isEqualTo(options);
    assertThat(options.trajectory()).doesNotContainKeys("checkpoint_steps", "checkpoint_directory");
  }

  @Test
  void messagesNameTheOptionAndRule() {
    assertThatThrownBy(() -> TrainingOptions.builder().optBatchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use batch size 0: must be positive");
    assertThatThrownBy(() -> TrainingOptions.builder().optAdamBetas(1.0, 0.9).build())
        .hasMessage("Cannot use adam beta1 1.0: must be in [0, 1)");
    assertThatThrownBy(() -> TrainingOptions.builder().optCheckpoints(null, 10, 1).build())
        .hasMessage("Cannot use checkpoint steps 10: needs a checkpoint directory");
  }

  @Test
  void plansUpdatesPerEpochWithAShorterLastWindow() {
    TrainingOptions options =
        TrainingOptions.builder()
            .optEpochs(2)
            .optBatchSize(3)
            .optGradientAccumulationSteps(2)
            .build();
    // 10 rows: 4 micro-batches, 2 updates per epoch.
    assertThat(LoraTrainer.totalSteps(options, 10)).isEqualTo(4);
    // 13 rows: 5 micro-batches, 3 updates per epoch (the last with one micro-batch).
    assertThat(LoraTrainer.totalSteps(options, 13)).isEqualTo(6);
    assertThat(LoraTrainer.totalSteps(options.toBuilder().optMaxSteps(7).build(), 13)).isEqualTo(7);
    assertThat(LoraTrainer.warmupSteps(options.toBuilder().optWarmupRatio(0.1).build(), 25))
        .isEqualTo(3);
  }
}
