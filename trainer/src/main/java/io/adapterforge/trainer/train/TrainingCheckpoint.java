package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.lora.LoraSettings;
import io.adapterforge.trainer.safetensors.SafetensorsFile;
import io.adapterforge.trainer.safetensors.SafetensorsWriter;
import io.adapterforge.trainer.storage.StagingDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The resumable state of a run, one folder per checkpoint, {@code checkpoint-<step>/} under the
 * run's checkpoint directory:
 *
 * <ul>
 *   <li>{@value #ADAPTER_FILE}: the LoRA weights after update {@code step}, under PEFT's keys;
 *   <li>{@value #OPTIMIZER_FILE}: AdamW's moments ({@code <key>.exp_avg}, {@code
 *       <key>.exp_avg_sq});
 *   <li>{@value #BEST_FILE}: the weights of the best validation loss so far, when there is one;
 *   <li>{@value #STATE_FILE}: the update count, the data position (epoch, next micro-batch, the
 *       shuffle seed and key of that epoch, fingerprints of the training and validation rows), the
 *       random state (the counter-based streams' seed and position), the schedule, the LoRA
 *       settings and trajectory options it was made with, early-stopping state and the metrics of
 *       every update so far.
 * </ul>
 *
 * A checkpoint is written into a hidden temporary folder beside its final name, every file forced
 * to disk, then renamed into place in one atomic move, so a folder named {@code checkpoint-<step>}
 * is always complete. Older checkpoints beyond the number to keep are deleted afterwards. Only a
 * local file system is supported (atomic rename). Not thread-safe: one run owns its directory.
 */
public final class TrainingCheckpoint {
  /** The state file of a checkpoint. */
  public static final String STATE_FILE = "trainer_state.json";

  /** The LoRA weights of a checkpoint. */
  public static final String ADAPTER_FILE = "adapter_model.safetensors";

  /** The optimizer moments of a checkpoint. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";

  /** The best weights so far of a checkpoint, when validation ran. */
  public static final String BEST_FILE = "best_adapter_model.safetensors";

  static final String FORMAT = "adapterforge-lora-checkpoint/1";

  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");

  /** What {@link StagingDirectory} leaves behind when a write is interrupted. */
  private static final String TEMPORARY_PATTERN = ".checkpoint-*.{tmp,old}";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private TrainingCheckpoint() {}

  /**
   * Everything {@value #STATE_FILE} holds.
   *
   * @param step updates done
   * @param totalSteps updates planned
   * @param warmupSteps warmup updates of the schedule
   * @param epoch the epoch the next micro-batch belongs to
   * @param batchIndex the index of the next micro-batch within that epoch's plan
   * @param seed the run's seed (shuffles and dropout are keyed by it)
   * @param trainingFingerprint sha256 of the training rows used
   * @param trainingRows how many training rows were used
   * @param validationFingerprint sha256 of the validation rows
   * @param validationRows how many validation rows there were
   * @param lora the adapter's settings
   * @param options the trajectory options ({@link TrainingOptions#trajectory()})
   * @param bestValidationLoss the best validation loss so far, if any
   * @param bestStep the update it was seen after; 0 if none
   * @param evaluationsWithoutImprovement validations in a row without improvement
   * @param stoppedEarly whether early stopping ended the run
   * @param completed whether the run had ended when this was written
   * @param history the metrics of every update so far
   */
  record State(
      long step,
      long totalSteps,
      long warmupSteps,
      long epoch,
      int batchIndex,
      long seed,
      String trainingFingerprint,
      int trainingRows,
      String validationFingerprint,
      int validationRows,
      LoraSettings lora,
      Map<String, Object> options,
      OptionalDouble bestValidationLoss,
      long bestStep,
      int evaluationsWithoutImprovement,
      boolean stoppedEarly,
      boolean completed,
      List<StepMetrics> history) {}

  /**
   * The newest complete checkpoint folder in {@code directory}, if any. Leftover temporary folders
   * of an interrupted write are ignored.
   */
  public static Optional<Path> latest(Path directory) {
    requireNonNull(directory, "directory is null");
    if (!Files.isDirectory(directory)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(path -> step(path).isPresent() && Files.isRegularFile(path.resolve(STATE_FILE)))
          .max(Comparator.comparingLong(path -> step(path).orElseThrow()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list checkpoints in " + directory, e);
    }
  }

  /** The update count of a checkpoint folder, from its name. */
  static Optional<Long> step(Path folder) {
    Path name = folder.getFileName();
    Matcher matcher = NAME.matcher(name == null ? "" : name.toString());
    return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
  }

  /**
   * Writes a checkpoint atomically and deletes older ones beyond {@code keep}.
   *
   * @return the checkpoint folder
   * @throws TrainingException naming the folder when it cannot be written
   */
  static Path write(
      Path directory,
      State state,
      LoraAdapter adapter,
      AdamW optimizer,
      LoraAdapter best,
      int keep) {
    Path target = directory.resolve("checkpoint-" + state.step());
    try (StagingDirectory staging = StagingDirectory.beside(target)) {
      SafetensorsWriter weights = new SafetensorsWriter();
      adapter.tensors().forEach(weights::put);
      weights.write(staging.path().resolve(ADAPTER_FILE));
      SafetensorsWriter moments = new SafetensorsWriter();
      optimizer.state().forEach(moments::put);
      moments.write(staging.path().resolve(OPTIMIZER_FILE));
      if (best != null) {
        SafetensorsWriter bestWeights = new SafetensorsWriter();
        best.tensors().forEach(bestWeights::put);
        bestWeights.write(staging.path().resolve(BEST_FILE));
      }
      staging.write(STATE_FILE, JSON.writeValueAsBytes(toJson(state)));
      // An existing folder of this step can only come from a run that redid these updates.
      staging.commit(true);
      prune(directory, keep);
      return target;
    } catch (IOException | RuntimeException e) {
      throw new TrainingException("Cannot write checkpoint " + target + ": " + e, e);
    }
  }

  /** Deletes temporary folders an interrupted write left in {@code directory}. */
  static void removeLeftovers(Path directory) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, TEMPORARY_PATTERN)) {
      for (Path entry : entries) {
        StagingDirectory.deleteRecursively(entry);
      }
    } catch (IOException e) {
      throw new TrainingException(
          "Cannot clean temporary checkpoints in " + directory + ": " + e, e);
    }
  }

  /** Reads {@value #STATE_FILE} of a checkpoint folder. */
  static State readState(Path checkpoint) {
    Path file = checkpoint.resolve(STATE_FILE);
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ModelLoadException("Cannot read checkpoint state " + file + ": " + e, e);
    }
    try {
      String format = text(root, "format");
      if (!FORMAT.equals(format)) {
        throw new ModelLoadException(
            "Cannot resume from " + file + ": format '" + format + "' is not " + FORMAT);
      }
      JsonNode data = field(root, "data");
      JsonNode lora = field(root, "lora");
      List<String> targets = new ArrayList<>();
      field(lora, "target_modules").forEach(node -> targets.add(node.textValue()));
      LoraSettings settings =
          new LoraSettings(
              field(lora, "r").intValue(),
              field(lora, "lora_alpha").doubleValue(),
              field(lora, "lora_dropout").doubleValue(),
              targets,
              field(lora, "use_rslora").booleanValue());
      JsonNode stopping = field(root, "early_stopping");
      JsonNode best = field(stopping, "best_validation_loss");
      long totalSteps = field(root, "total_steps").longValue();
      List<StepMetrics> history = new ArrayList<>();
      for (JsonNode entry : field(root, "history")) {
        JsonNode validation = entry.get("validation_loss");
        history.add(
            new StepMetrics(
                field(entry, "step").longValue(),
                totalSteps,
                field(entry, "epoch").doubleValue(),
                field(entry, "loss").doubleValue(),
                field(entry, "learning_rate").doubleValue(),
                field(entry, "grad_norm").doubleValue(),
                field(entry, "tokens").longValue(),
                field(entry, "tokens_per_second").doubleValue(),
                validation == null || validation.isNull()
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(validation.doubleValue())));
      }
      Map<String, Object> options = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : field(root, "options").properties()) {
        JsonNode value = entry.getValue();
        options.put(
            entry.getKey(),
            value.isNumber()
                ? value.numberValue()
                : value.isBoolean() ? value.booleanValue() : value.asText());
      }
      return new State(
          field(root, "step").longValue(),
          totalSteps,
          field(field(root, "schedule"), "warmup_steps").longValue(),
          field(data, "epoch").longValue(),
          field(data, "batch_index").intValue(),
          field(field(root, "rng"), "seed").longValue(),
          text(data, "training_fingerprint"),
          field(data, "training_rows").intValue(),
          text(data, "validation_fingerprint"),
          field(data, "validation_rows").intValue(),
          settings,
          options,
          best.isNull() ? OptionalDouble.empty() : OptionalDouble.of(best.doubleValue()),
          field(stopping, "best_step").longValue(),
          field(stopping, "evaluations_without_improvement").intValue(),
          field(stopping, "stopped_early").booleanValue(),
          field(root, "completed").booleanValue(),
          history);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          "Cannot read checkpoint state " + file + ": " + e.getMessage(), e);
    }
  }

  /** Restores the weights, moments and best weights a checkpoint holds. */
  static void restore(
      Path checkpoint, State state, LoraAdapter adapter, AdamW optimizer, LoraAdapter best) {
    try (SafetensorsFile weights = SafetensorsFile.open(checkpoint.resolve(ADAPTER_FILE))) {
      adapter.load(weights);
    }
    try (SafetensorsFile moments = SafetensorsFile.open(checkpoint.resolve(OPTIMIZER_FILE))) {
      optimizer.load(moments, state.step());
    }
    if (best != null) {
      try (SafetensorsFile bestWeights = SafetensorsFile.open(checkpoint.resolve(BEST_FILE))) {
        best.load(bestWeights);
      }
    }
  }

  private static Map<String, Object> toJson(State state) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("step", state.step());
    root.put("total_steps", state.totalSteps());
    root.put("completed", state.completed());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("epoch", state.epoch());
    data.put("batch_index", state.batchIndex());
    data.put("shuffle_seed", state.seed());
    data.put("shuffle_key", BatchPlanner.shuffleKey(state.seed(), state.epoch()));
    data.put("training_fingerprint", state.trainingFingerprint());
    data.put("training_rows", state.trainingRows());
    data.put("validation_fingerprint", state.validationFingerprint());
    data.put("validation_rows", state.validationRows());
    root.put("data", data);
    Map<String, Object> rng = new LinkedHashMap<>();
    rng.put("algorithm", "counter-based SplitMix64 (CounterRandom); no hidden generator state");
    rng.put("seed", state.seed());
    rng.put("dropout_stream", "key(seed, DROPOUT, step, micro_batch), next step " + state.step());
    root.put("rng", rng);
    Map<String, Object> schedule = new LinkedHashMap<>();
    schedule.put("type", state.options().get("schedule"));
    schedule.put("step", state.step());
    schedule.put("warmup_steps", state.warmupSteps());
    schedule.put("total_steps", state.totalSteps());
    root.put("schedule", schedule);
    Map<String, Object> optimizer = new LinkedHashMap<>();
    optimizer.put("type", "AdamW");
    optimizer.put("step", state.step());
    root.put("optimizer", optimizer);
    Map<String, Object> lora = new LinkedHashMap<>();
    lora.put("r", state.lora().rank());
    lora.put("lora_alpha", state.lora().alpha());
    lora.put("lora_dropout", state.lora().dropout());
    lora.put("target_modules", state.lora().targetModules());
    lora.put("use_rslora", state.lora().useRslora());
    root.put("lora", lora);
    root.put("options", state.options());
    Map<String, Object> stopping = new LinkedHashMap<>();
    stopping.put(
        "best_validation_loss",
        state.bestValidationLoss().isPresent() ? state.bestValidationLoss().getAsDouble() : null);
    stopping.put("best_step", state.bestStep());
    stopping.put("evaluations_without_improvement", state.evaluationsWithoutImprovement());
    stopping.put("stopped_early", state.stoppedEarly());
    root.put("early_stopping", stopping);
    List<Map<String, Object>> history = new ArrayList<>();
    for (StepMetrics metrics : state.history()) {
      history.add(metrics.toJsonFields());
    }
    root.put("history", history);
    return root;
  }

  private static JsonNode field(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    if (value == null) {
      throw new IllegalArgumentException("it has no field " + name);
    }
    return value;
  }

  private static String text(JsonNode node, String name) {
    JsonNode value = field(node, name);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field " + name + " is not a string");
    }
    return value.textValue();
  }

  private static void prune(Path directory, int keep) throws IOException {
    List<Path> checkpoints = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries.filter(path -> step(path).isPresent()).forEach(checkpoints::add);
    }
    checkpoints.sort(Comparator.comparingLong((Path path) -> step(path).orElseThrow()).reversed());
    for (int i = keep; i < checkpoints.size(); i++) {
      StagingDirectory.deleteRecursively(checkpoints.get(i));
    }
  }
}
