package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.Projection;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the tiny Llama reference model (vocabulary 512, hidden 64, 2 layers). */
@ExtendWith(NdManagerExtension.class)
class LoraTrainerTest {
  static final LoraSettings ALL_MODULES =
      new LoraSettings(
          8,
          16,
          0.1,
          List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
          false);

  static final List<TrainingExample> ROWS = Rows.random(12, 12, 512, 3);
  static final List<TrainingExample> VALIDATION = Rows.random(4, 12, 512, 4);

  private static NDManager shared;
  private static DecoderModel model;

  @TempDir Path directory;

  @BeforeAll
  static void loadModel() {
    shared = NDManager.newBaseManager();
    model = DecoderModel.load(ReferenceModels.model("llama"), shared);
  }

  @AfterAll
  static void closeModel() {
    model.close();
    shared.close();
  }

  static TrainingOptions.Builder options() {
    return TrainingOptions.builder()
        .optEpochs(2)
        .optBatchSize(3)
        .optGradientAccumulationSteps(2)
        .optLearningRate(1e-2)
        .optWeightDecay(0.01)
        .optWarmupSteps(1)
        .optSchedule(LearningRateSchedule.COSINE)
        .optSeed(5);
  }

  @Test
  void drivesTheTrainingLossDownFiveFold(NDManager manager) {
    List<TrainingExample> few = ROWS.subList(0, 4);
    List<StepMetrics> seen = new ArrayList<>();
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      TrainingResult result =
          LoraTrainer.train(
              model,
              adapter,
              ExampleSource.of(few),
              null,
              options().optEpochs(40).optBatchSize(2).optGradientAccumulationSteps(1).build(),
              seen::add);

      assertThat(result.steps()).isEqualTo(80).isEqualTo(result.totalSteps());
      assertThat(seen)
          .extracting(StepMetrics::step)
          .containsExactly(Stream.iterate(1L, s -> s + 1).limit(80).toArray(Long[]::new));
      assertThat(seen.get(0).learningRate()).isZero();
      assertThat(seen.get(1).learningRate()).isEqualTo(1e-2);
      assertThat(seen.get(79).epoch()).isEqualTo(40.0);
      assertThat(seen).allSatisfy(m -> assertThat(m.tokensPerSecond()).isPositive());
      assertThat(result.finalLoss()).isLessThan(seen.get(0).loss() / 5);
      // The trained adapter, scored without dropout, agrees with the last training losses.
      try (LoraAdapter.Attachment attached = adapter.attach(model)) {
        double scored = CausalLmLoss.total(model, few, 4, manager).mean();
        assertThat(scored).isLessThan(seen.get(0).loss() / 5);
      }
    }
  }

  @Test
  void leavesTheBaseModelUntouchedAndOnlyLoraWeightsTrained(NDManager manager) throws IOException {
    NDArray ids = manager.create(new long[][] {{3, 14, 15, 92, 65, 35, 89, 79}});
    float[] before = model.logits(ids, null).toFloatArray();
    Path checkpoints = directory.resolve("checkpoints");
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      LoraTrainer.train(
          model,
          adapter,
          ExampleSource.of(ROWS),
          null,
          options().optCheckpoints(checkpoints, 2, 1).build(),
          TrainingListener.NONE);

      assertThat(model.projections()).allSatisfy(p -> assertThat(p.adapter()).isEmpty());
      assertThat(model.logits(ids, null).toFloatArray()).containsExactly(before);
      for (Projection projection : model.projections()) {
        assertThat(projection.weight().hasGradient()).as(projection.name()).isFalse();
      }
      // The optimizer holds two moments per LoRA weight and nothing else.
      Path latest = TrainingCheckpoint.latest(checkpoints).orElseThrow();
      try (SafetensorsFile moments =
          SafetensorsFile.open(latest.resolve(TrainingCheckpoint.OPTIMIZER_FILE))) {
        TreeSet<String> expected = new TreeSet<>();
        for (TrainableParameter parameter : adapter.parameters()) {
          expected.add(parameter.name() + ".exp_avg");
          expected.add(parameter.name() + ".exp_avg_sq");
        }
        assertThat(moments.names()).isEqualTo(expected);
      }
      try (LoraAdapter.Attachment attached = adapter.attach(model)) {
        assertThat(model.logits(ids, null).toFloatArray()).isNotEqualTo(before);
      }
    }
  }

  @Test
  void isDeterministic(NDManager manager) {
    List<StepMetrics> first = new ArrayList<>();
    List<StepMetrics> second = new ArrayList<>();
    Map<String, float[]> firstWeights;
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      LoraTrainer.train(
          model, adapter, ExampleSource.of(ROWS), null, options().build(), first::add);
      firstWeights = values(adapter);
    }
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      LoraTrainer.train(
          model, adapter, ExampleSource.of(ROWS), null, options().build(), second::add);
      assertThat(losses(second)).containsExactlyElementsOf(losses(first));
      values(adapter)
          .forEach((key, value) -> assertThat(value).containsExactly(firstWeights.get(key)));
    }
  }

  @Test
  void resumesWithTheLossesOfTheUninterruptedRun(NDManager manager) {
    TrainingOptions uninterrupted =
        options().optEpochs(3).optEvalSteps(2).optCheckpoints(directory.resolve("a"), 2, 2).build();
    List<StepMetrics> reference = new ArrayList<>();
    Map<String, float[]> referenceWeights;
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      LoraTrainer.train(
          model,
          adapter,
          ExampleSource.of(ROWS),
          ExampleSource.of(VALIDATION),
          uninterrupted,
          reference::add);
      referenceWeights = values(adapter);
    }
    // 12 rows in batches of 3, 2 per update: 2 updates per epoch, 6 in all.
    assertThat(reference).hasSize(6);

    TrainingOptions interrupted =
        uninterrupted.toBuilder().optCheckpoints(directory.resolve("b"), 2, 2).build();
    List<StepMetrics> before = new ArrayList<>();
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      assertThatThrownBy(
              () ->
                  LoraTrainer.train(
                      model,
                      adapter,
                      ExampleSource.of(ROWS),
                      ExampleSource.of(VALIDATION),
                      interrupted,
                      metrics -> {
                        before.add(metrics);
                        if (metrics.step() == 5) {
                          throw new IllegalStateException("executor lost");
                        }
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("executor lost");
      assertThat(model.projections()).allSatisfy(p -> assertThat(p.adapter()).isEmpty());
    }
    assertThat(before).hasSize(5);
    assertThat(TrainingCheckpoint.latest(directory.resolve("b")))
        .hasValue(directory.resolve("b").resolve("checkpoint-4"));

    List<StepMetrics> after = new ArrayList<>();
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 99, manager)) {
      TrainingResult result =
          LoraTrainer.train(
              model,
              adapter,
              ExampleSource.of(ROWS),
              ExampleSource.of(VALIDATION),
              interrupted,
              after::add);

      assertThat(result.resumedFromStep()).isEqualTo(4);
      assertThat(after).extracting(StepMetrics::step).containsExactly(5L, 6L);
      assertThat(result.history()).hasSize(6);
      for (int i = 0; i < 6; i++) {
        StepMetrics expected = reference.get(i);
        StepMetrics actual = result.history().get(i);
        assertThat(actual.loss()).as("loss %d", i + 1).isCloseTo(expected.loss(), within(1e-6));
        assertThat(actual.learningRate()).isEqualTo(expected.learningRate());
        assertThat(actual.epoch()).isEqualTo(expected.epoch());
        assertThat(actual.validationLoss().isPresent())
            .isEqualTo(expected.validationLoss().isPresent());
        if (expected.validationLoss().isPresent()) {
          assertThat(actual.validationLoss().getAsDouble())
              .isCloseTo(expected.validationLoss().getAsDouble(), within(1e-6));
        }
      }
      values(adapter)
          .forEach(
              (key, value) ->
                  assertThat(ReferenceTrainingTest.relativeError(value, referenceWeights.get(key)))
                      .as(key)
                      .isLessThan(1e-6));
    }
  }

  @Test
  void aFinishedRunReturnsItsResultAtOnce(NDManager manager) {
    TrainingOptions options = options().optCheckpoints(directory, 3, 1).build();
    Map<String, float[]> trained;
    TrainingResult first;
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      first =
          LoraTrainer.train(
              model, adapter, ExampleSource.of(ROWS), null, options, TrainingListener.NONE);
      trained = values(adapter);
    }
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      List<StepMetrics> calls = new ArrayList<>();
      TrainingResult again =
          LoraTrainer.train(model, adapter, ExampleSource.of(ROWS), null, options, calls::add);

      assertThat(calls).isEmpty();
      assertThat(again.resumedFromStep()).isEqualTo(first.steps());
      assertThat(again.history()).isEqualTo(first.history());
      values(adapter).forEach((key, value) -> assertThat(value).containsExactly(trained.get(key)));
    }
  }

  @Test
  void refusesACheckpointOfAnotherRun(NDManager manager) {
    TrainingOptions options = options().optCheckpoints(directory, 2, 1).build();
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      LoraTrainer.train(
          model, adapter, ExampleSource.of(ROWS), null, options, TrainingListener.NONE);
    }
    TrainingOptions changed = options.toBuilder().optLearningRate(5e-3).build();
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      assertThatThrownBy(
              () ->
                  LoraTrainer.train(
                      model,
                      adapter,
                      ExampleSource.of(ROWS.subList(1, 12)),
                      null,
                      changed,
                      TrainingListener.NONE))
          .isInstanceOf(TrainingException.class)
          .hasMessageStartingWith("Cannot resume from " + directory.resolve("checkpoint-4") + ": ")
          .hasMessageContaining("option learning_rate was 0.01, is 0.005")
          .hasMessageContaining("the training rows differ (12 rows, sha256 ");
    }
  }

  @Test
  void keepsTheNewestCheckpointsAndIgnoresInterruptedWrites(NDManager manager) throws IOException {
    Path leftover = Files.createDirectories(directory.resolve(".checkpoint-6.1234.tmp"));
    Files.writeString(leftover.resolve(TrainingCheckpoint.STATE_FILE), "{");
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      LoraTrainer.train(
          model,
          adapter,
          ExampleSource.of(ROWS),
          null,
          options().optEpochs(3).optCheckpoints(directory, 2, 2).build(),
          TrainingListener.NONE);
    }
    try (Stream<Path> entries = Files.list(directory)) {
      assertThat(entries.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
          .containsExactlyInAnyOrder("checkpoint-4", "checkpoint-6");
    }
    Path newest = directory.resolve("checkpoint-6");
    assertThat(newest.resolve(TrainingCheckpoint.ADAPTER_FILE)).isNotEmptyFile();
    TrainingCheckpoint.State state = TrainingCheckpoint.readState(newest);
    assertThat(state.step()).isEqualTo(6);
    assertThat(state.completed()).isTrue();
    assertThat(state.epoch()).isEqualTo(3);
    assertThat(state.batchIndex()).isZero();
    assertThat(state.history()).hasSize(6);
    assertThat(Files.readString(newest.resolve(TrainingCheckpoint.STATE_FILE)))
        .contains("\"shuffle_seed\" : 5")
        .contains("\"dropout_stream\"");
  }

  @Test
  void stopsEarlyAndEndsWithTheBestValidationWeights(NDManager manager) {
    // Training teaches 20 21 → 22 23 24 25; validation asks 20 21 → 30 31 32 33.
    List<TrainingExample> training = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      training.add(Rows.trained(20, 21, 22, 23, 24, 25));
    }
    List<TrainingExample> validation = List.of(Rows.trained(20, 21, 30, 31, 32, 33));
    List<StepMetrics> seen = new ArrayList<>();
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      TrainingResult result =
          LoraTrainer.train(
              model,
              adapter,
              ExampleSource.of(training),
              ExampleSource.of(validation),
              options()
                  .optEpochs(20)
                  .optBatchSize(2)
                  .optGradientAccumulationSteps(1)
                  .optWarmupSteps(0)
                  .optEvalSteps(1)
                  .optEarlyStopping(2, 0)
                  .build(),
              seen::add);

      assertThat(result.stoppedEarly()).isTrue();
      assertThat(result.steps()).isLessThan(result.totalSteps()).isEqualTo(result.bestStep() + 2);
      assertThat(seen).allSatisfy(m -> assertThat(m.validationLoss()).isPresent());
      double best = result.bestValidationLoss().orElseThrow();
      assertThat(seen.get((int) result.bestStep() - 1).validationLoss()).hasValue(best);
      try (LoraAdapter.Attachment attached = adapter.attach(model)) {
        assertThat(CausalLmLoss.total(model, validation, 1, manager).mean())
            .isCloseTo(best, within(1e-6));
      }
    }
  }

  @Test
  void accumulatingMicroBatchesEqualsOneBatchOfThem(NDManager manager) {
    LoraSettings noDropout = new LoraSettings(8, 16, 0, ALL_MODULES.targetModules(), false);
    TrainingOptions big =
        options().optGroupByLength(false).optBatchSize(4).optGradientAccumulationSteps(1).build();
    TrainingOptions accumulated =
        big.toBuilder().optBatchSize(2).optGradientAccumulationSteps(2).build();
    List<StepMetrics> one = new ArrayList<>();
    List<StepMetrics> two = new ArrayList<>();
    try (LoraAdapter adapter = LoraAdapter.create(model, noDropout, 1, manager)) {
      LoraTrainer.train(model, adapter, ExampleSource.of(ROWS), null, big, one::add);
    }
    try (LoraAdapter adapter = LoraAdapter.create(model, noDropout, 1, manager)) {
      LoraTrainer.train(model, adapter, ExampleSource.of(ROWS), null, accumulated, two::add);
    }
    assertThat(two).hasSameSizeAs(one).hasSize(6);
    for (int i = 0; i < one.size(); i++) {
      assertThat(two.get(i).loss()).isCloseTo(one.get(i).loss(), within(1e-5));
      assertThat(two.get(i).gradNorm())
          .isCloseTo(one.get(i).gradNorm(), within(1e-4 * one.get(i).gradNorm()));
      assertThat(two.get(i).tokens()).isEqualTo(one.get(i).tokens());
    }
  }

  @Test
  void checksRowsAgainstTheModelAndSkipsRowsWithNothingToLearn(NDManager manager) {
    List<TrainingExample> rows = new ArrayList<>(ROWS);
    rows.add(new TrainingExample(new int[] {4, 5, 6}, new int[] {4, -100, -100}));
    try (LoraAdapter adapter = LoraAdapter.create(model, ALL_MODULES, 1, manager)) {
      TrainingResult result =
          LoraTrainer.train(
              model,
              adapter,
              ExampleSource.of(rows),
              null,
              options().optEpochs(1).build(),
              TrainingListener.NONE);
      assertThat(result.trainingRows()).isEqualTo(12);
      assertThat(result.skippedRows()).isEqualTo(1);

      List<TrainingExample> bad = List.of(ROWS.get(0), Rows.trained(4, 512, 6));
      assertThatThrownBy(
              () ->
                  LoraTrainer.train(
                      model,
                      adapter,
                      ExampleSource.of(bad),
                      null,
                      options().build(),
                      TrainingListener.NONE))
          .isInstanceOf(TrainingException.class)
          .hasMessage(
              "Cannot train on training row 1: input id 512 at position 1 is outside the"
                  + " vocabulary (vocab_size 512)");
      assertThatThrownBy(
              () ->
                  LoraTrainer.train(
                      model,
                      adapter,
                      ExampleSource.of(List.of(rows.get(12))),
                      null,
                      options().build(),
                      TrainingListener.NONE))
          .isInstanceOf(TrainingException.class)
          .hasMessage(
              "Cannot train: none of the 1 training rows has a trained token after its first");
    }
  }

  private static Map<String, float[]> values(LoraAdapter adapter) {
    Map<String, float[]> values = new java.util.TreeMap<>();
    adapter.tensors().forEach((key, array) -> values.put(key, array.toFloatArray()));
    return values;
  }

  private static List<Double> losses(List<StepMetrics> metrics) {
    return metrics.stream().map(StepMetrics::loss).collect(Collectors.toList());
  }
}
