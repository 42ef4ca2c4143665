package io.adapterforge.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ReferenceModels;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.lora.TrainableParameter;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LoRA forward/backward pass and the trainer's update step against the independent PyTorch
 * reference ({@code src/test/python/make_reference_training.py}), which uses PyTorch's own AdamW,
 * gradient clipping and LambdaLR with transformers' schedule formulas, on the same rows, micro-
 * batches and dropout masks.
 */
class ReferenceTrainingTest {
  /** Relative tolerance on losses: float32 through a few layers and a few updates. */
  private static final double LOSS_TOLERANCE = 1e-5;

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"llama", "gemma3_text"})
  void lossAndGradientsMatchTheReference(String architecture) throws IOException {
    Path folder = ReferenceModels.loraTraining(architecture);
    JsonNode settings = JSON.readTree(folder.resolve("settings.json").toFile());
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(ReferenceModels.model(architecture), manager);
        // The reference computes these gradients without dropout.
        LoraAdapter adapter = LoraAdapter.create(model, withoutDropout(settings), 0, manager);
        SafetensorsFile weights =
            SafetensorsFile.open(folder.resolve("gradient_check_weights.safetensors"));
        SafetensorsFile gradients = SafetensorsFile.open(folder.resolve("gradients.safetensors"));
        LoraAdapter.Attachment attached = adapter.attach(model)) {
      adapter.load(weights);
      List<TrainingExample> rows = rows(settings);
      Batch batch = Batch.of(List.of(rows.get(0), rows.get(1), rows.get(2)), 0);

      adapter.setTraining(true);
      double loss;
      try (NDManager scope = manager.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray mean = CausalLmLoss.sum(model, batch, scope).div((float) batch.scoredTokens());
        loss = mean.getFloat();
        collector.backward(mean);
      }
      adapter.setTraining(false);

      double expectedLoss = settings.get("gradient_check").get("loss").doubleValue();
      assertThat(loss).isCloseTo(expectedLoss, relative(expectedLoss, LOSS_TOLERANCE));
      assertThat(adapter.parameters()).hasSize(gradients.names().size());
      for (TrainableParameter parameter : adapter.parameters()) {
        float[] actual = parameter.array().getGradient().toFloatArray();
        float[] wanted = gradients.read(parameter.name(), manager).toFloatArray();
        assertThat(relativeError(actual, wanted))
            .as("gradient of %s", parameter.name())
            .isLessThan(1e-4);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "gemma3_text"})
  void updatesMatchPyTorchAdamWWithClippingScheduleAndDropout(String architecture)
      throws IOException {
    Path folder = ReferenceModels.loraTraining(architecture);
    JsonNode settings = JSON.readTree(folder.resolve("settings.json").toFile());
    List<TrainingExample> rows = rows(settings);
    JsonNode expected = settings.get("expected");
    long total = settings.get("total_steps").longValue();
    long warmup = settings.get("warmup_steps").longValue();
    LearningRateSchedule schedule = LearningRateSchedule.valueOf(settings.get("schedule").asText());
    double peak = settings.get("learning_rate").doubleValue();
    try (NDManager manager = NDManager.newBaseManager();
        DecoderModel model = DecoderModel.load(ReferenceModels.model(architecture), manager);
        LoraAdapter adapter = LoraAdapter.create(model, loraSettings(settings), 0, manager);
        SafetensorsFile initial = SafetensorsFile.open(folder.resolve("initial.safetensors"));
        SafetensorsFile finalWeights = SafetensorsFile.open(folder.resolve("final.safetensors"));
        SafetensorsFile moments = SafetensorsFile.open(folder.resolve("optimizer.safetensors"))) {
      adapter.load(initial);
      try (AdamW optimizer =
              new AdamW(
                  adapter.parameters(),
                  settings.get("betas").get(0).doubleValue(),
                  settings.get("betas").get(1).doubleValue(),
                  settings.get("eps").doubleValue(),
                  settings.get("weight_decay").doubleValue());
          LoraAdapter.Attachment attached = adapter.attach(model)) {
        UpdateStep update =
            new UpdateStep(
                model,
                adapter,
                optimizer,
                settings.get("max_grad_norm").doubleValue(),
                settings.get("seed").longValue());
        for (int step = 0; step < total; step++) {
          List<Batch> window = new ArrayList<>();
          for (JsonNode micro : settings.get("plan").get(step)) {
            List<TrainingExample> members = new ArrayList<>();
            micro.forEach(row -> members.add(rows.get(row.intValue())));
            window.add(Batch.of(members, 0));
          }
          double learningRate = peak * schedule.factor(step, warmup, total);
          double wantedRate = expected.get("learning_rate").get(step).doubleValue();
          assertThat(learningRate)
              .as("learning rate of update %d", step)
              .isCloseTo(wantedRate, relative(wantedRate, 1e-12));

          UpdateStep.Outcome outcome = update.run(window, step, learningRate);

          double wantedLoss = expected.get("loss").get(step).doubleValue();
          double wantedNorm = expected.get("grad_norm").get(step).doubleValue();
          assertThat(outcome.loss())
              .as("loss of update %d", step)
              .isCloseTo(wantedLoss, relative(wantedLoss, LOSS_TOLERANCE));
          assertThat(outcome.gradNorm())
              .as("gradient norm of update %d", step)
              .isCloseTo(wantedNorm, relative(wantedNorm, 1e-4));
        }
        for (Map.Entry<String, NDArray> tensor : adapter.tensors().entrySet()) {
          float[] wanted = finalWeights.read(tensor.getKey(), manager).toFloatArray();
          assertThat(relativeError(tensor.getValue().toFloatArray(), wanted))
              .as("final %s", tensor.getKey())
              .isLessThan(1e-4);
        }
        for (Map.Entry<String, NDArray> moment : optimizer.state().entrySet()) {
          float[] wanted = moments.read(moment.getKey(), manager).toFloatArray();
          assertThat(relativeError(moment.getValue().toFloatArray(), wanted))
              .as("AdamW state %s", moment.getKey())
              .isLessThan(1e-4);
        }
        assertThat(optimizer.stepCount()).isEqualTo(total);
      }
    }
  }

  static LoraSettings loraSettings(JsonNode settings) {
    List<String> targets = new ArrayList<>();
    settings.get("target_modules").forEach(node -> targets.add(node.asText()));
    return new LoraSettings(
        settings.get("r").intValue(),
        settings.get("lora_alpha").doubleValue(),
        settings.get("lora_dropout").doubleValue(),
        targets,
        settings.get("use_rslora").booleanValue());
  }

  private static LoraSettings withoutDropout(JsonNode settings) {
    LoraSettings lora = loraSettings(settings);
    return new LoraSettings(lora.rank(), lora.alpha(), 0, lora.targetModules(), lora.useRslora());
  }

  static List<TrainingExample> rows(JsonNode settings) {
    List<TrainingExample> rows = new ArrayList<>();
    for (JsonNode row : settings.get("rows")) {
      rows.add(new TrainingExample(ints(row.get("input_ids")), ints(row.get("labels"))));
    }
    return rows;
  }

  private static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).intValue();
    }
    return values;
  }

  private static org.assertj.core.data.Offset<Double> relative(double value, double tolerance) {
    return org.assertj.core.data.Offset.offset(Math.abs(value) * tolerance + 1e-12);
  }

  /** {@code ‖actual − wanted‖ / ‖wanted‖} (or the absolute norm when wanted is zero). */
  static double relativeError(float[] actual, float[] wanted) {
    assertThat(actual).hasSameSizeAs(wanted);
    double difference = 0;
    double norm = 0;
    for (int i = 0; i < actual.length; i++) {
      difference += Math.pow(actual[i] - (double) wanted[i], 2);
      norm += Math.pow(wanted[i], 2);
    }
    return norm == 0 ? Math.sqrt(difference) : Math.sqrt(difference / norm);
  }
}
