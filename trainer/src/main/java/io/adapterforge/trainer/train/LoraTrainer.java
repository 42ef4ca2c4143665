package io.adapterforge.trainer.train;

import static java.util.Objects.requireNonNull;

import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.model.DecoderModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * Trains one LoRA adapter on a shared, frozen base model.
 *
 * <p>The model is loaded once (per executor) and reused: {@link #train} attaches the adapter to the
 * model's projections, trains, and detaches it again, leaving the model exactly as it was. The loop
 * is Hugging Face's: rows in micro-batches (grouped by length, right-padded with an attention
 * mask), gradient accumulation over {@code gradientAccumulationSteps} micro-batches with the loss
 * normalized by the window's scored tokens, global-norm clipping, AdamW, warmup then the chosen
 * decay, validation every {@code evalSteps} updates with early stopping, and checkpoints every
 * {@code checkpointSteps} updates. An epoch's last update may have fewer micro-batches.
 *
 * <p>The training and validation rows are read once into memory (about 8 bytes per token) and
 * checked against the model (ids and labels in the vocabulary, lengths within {@code
 * max_position_embeddings}); rows with no trained label after their first token are skipped.
 *
 * <p>Everything random (row order, dropout) is a pure function of the seed and the position in the
 * run, so a run is deterministic on the CPU and a run resumed from a checkpoint continues with the
 * same losses as the uninterrupted one. When the checkpoint directory holds a checkpoint, {@link
 * #train} resumes from the newest one; it refuses one made with other LoRA settings, trajectory
 * options or rows. A checkpoint of a finished run makes {@code train} return at once with its
 * weights.
 *
 * <p>Thread-safety: runs on one model, each on its own thread with its own adapter, may overlap and
 * do not wait for each other: {@link #train} sets the adapter on the model for the calling thread
 * only, and records gradients with that thread's own libtorch grad mode (not DJL's JVM-wide
 * gradient collector). Each run gives the numbers it gives alone. While runs train, the model
 * accepts no adapter attached for every thread ({@link LoraAdapter#attach}), and vice versa.
 * libtorch's intra-op thread count is process-wide: overlapping runs share it (see {@link
 * TorchThreads}).
 */
public final class LoraTrainer {
  private LoraTrainer() {}

  /**
   * Trains {@code adapter} on {@code model}; on return the adapter holds the trained weights (the
   * best validation weights when {@code restoreBestWeights} and validation rows are given) and is
   * detached.
   *
   * @param validation the validation rows; null or empty for none
   * @param listener called after every update; may throw to stop the run
   * @throws TrainingException if the rows are unusable, training diverges, a checkpoint cannot be
   *     written, or a checkpoint does not belong to this run
   */
  public static TrainingResult train(
      DecoderModel model,
      LoraAdapter adapter,
      ExampleSource training,
      ExampleSource validation,
      TrainingOptions options,
      TrainingListener listener) {
    requireNonNull(model, "model is null");
    requireNonNull(adapter, "adapter is null");
    requireNonNull(training, "training is null");
    requireNonNull(options, "options is null");
    requireNonNull(listener, "listener is null");
    TrainingRows trainingRows = TrainingRows.read(training, "training", model.config());
    if (trainingRows.size() == 0) {
      throw new TrainingException(
          "Cannot train: none of the "
              + trainingRows.skipped()
              + " training rows has a trained token after its first");
    }
    TrainingRows validationRows =
        validation == null ? null : TrainingRows.read(validation, "validation", model.config());
    if (validationRows != null && validationRows.size() == 0) {
      validationRows = null;
    }
    try (Run run = new Run(model, adapter, trainingRows, validationRows, options, listener)) {
      return run.execute();
    }
  }

  /** The planned number of updates for {@code rows} training rows. */
  static long totalSteps(TrainingOptions options, int rows) {
    if (options.maxSteps() > 0) {
      return options.maxSteps();
    }
    long batches = BatchPlanner.batchesPerEpoch(rows, options.batchSize());
    long perEpoch =
        (batches + options.gradientAccumulationSteps() - 1) / options.gradientAccumulationSteps();
    return perEpoch * options.epochs();
  }

  /** Warmup updates: {@code warmupSteps}, else {@code ceil(warmupRatio · total)}. */
  static long warmupSteps(TrainingOptions options, long totalSteps) {
    return options.warmupSteps() > 0
        ? options.warmupSteps()
        : (long) Math.ceil(options.warmupRatio() * totalSteps);
  }

  /** The state of one run. */
  private static final class Run implements AutoCloseable {
    private final DecoderModel model;
    private final LoraAdapter adapter;
    private final TrainingRows training;
    private final TrainingRows validation;
    private final TrainingOptions options;
    private final TrainingListener listener;
    private final AdamW optimizer;
    private final UpdateStep update;
    private final int[] lengths;
    private final long totalSteps;
    private final long warmupSteps;
    private final List<StepMetrics> history = new ArrayList<>();
    private long step;
    private long epoch;
    private int batchIndex;
    private List<int[]> plan;
    private long planEpoch = -1;
    private OptionalDouble bestValidationLoss = OptionalDouble.empty();
    private long bestStep;
    private int evaluationsWithoutImprovement;
    private boolean stoppedEarly;
    private LoraAdapter best;
    private long resumedFrom;

    Run(
        DecoderModel model,
        LoraAdapter adapter,
        TrainingRows training,
        TrainingRows validation,
        TrainingOptions options,
        TrainingListener listener) {
      this.model = model;
      this.adapter = adapter;
      this.training = training;
      this.validation = validation;
      this.options = options;
      this.listener = listener;
      this.lengths = training.lengths();
      this.totalSteps = totalSteps(options, training.size());
      this.warmupSteps = warmupSteps(options, totalSteps);
      this.optimizer =
          new AdamW(
              adapter.parameters(),
              options.adamBeta1(),
              options.adamBeta2(),
              options.adamEpsilon(),
              options.weightDecay());
      this.update =
          new UpdateStep(model, adapter, optimizer, options.maxGradNorm(), options.seed());
    }

    TrainingResult execute() {
      boolean completed = resume();
      if (!completed) {
        try (ThreadAttachment attachment = ThreadAttachment.attach(model, adapter)) {
          while (step < totalSteps && !stoppedEarly) {
            runOneUpdate();
          }
        }
      }
      if (options.restoreBestWeights() && best != null) {
        adapter.copyFrom(best);
      }
      return new TrainingResult(
          step,
          totalSteps,
          history,
          bestValidationLoss,
          bestStep,
          stoppedEarly,
          resumedFrom,
          training.size(),
          training.skipped());
    }

    private void runOneUpdate() {
      List<int[]> epochPlan = planOf(epoch);
      int end = Math.min(epochPlan.size(), batchIndex + options.gradientAccumulationSteps());
      List<Batch> window = new ArrayList<>();
      for (int i = batchIndex; i < end; i++) {
        List<TrainingExample> members = new ArrayList<>();
        for (int row : epochPlan.get(i)) {
          members.add(training.examples().get(row));
        }
        window.add(Batch.of(members, options.padTokenId()));
      }
      double learningRate =
          options.learningRate() * options.schedule().factor(step, warmupSteps, totalSteps);
      UpdateStep.Outcome outcome = update.run(window, step, learningRate);
      step++;
      batchIndex = end;
      if (batchIndex >= epochPlan.size()) {
        epoch++;
        batchIndex = 0;
      }
      OptionalDouble validationLoss = OptionalDouble.empty();
      boolean last = step == totalSteps;
      if (validation != null
          && (last || (options.evalSteps() > 0 && step % options.evalSteps() == 0))) {
        double loss = validate();
        validationLoss = OptionalDouble.of(loss);
        recordValidation(loss);
      }
      StepMetrics metrics =
          new StepMetrics(
              step,
              totalSteps,
              epoch + (double) batchIndex / epochPlan.size(),
              outcome.loss(),
              learningRate,
              outcome.gradNorm(),
              outcome.tokens(),
              outcome.seconds() > 0 ? outcome.tokens() / outcome.seconds() : 0,
              validationLoss);
      history.add(metrics);
      boolean finished = last || stoppedEarly;
      if (options.checkpointSteps() > 0 && (finished || step % options.checkpointSteps() == 0)) {
        TrainingCheckpoint.write(
            options.checkpointDirectory(),
            state(finished),
            adapter,
            optimizer,
            best,
            options.checkpointsToKeep());
      }
      listener.onStep(metrics);
    }

    private double validate() {
      try (var scope = adapter.manager().newSubManager()) {
        return CausalLmLoss.total(model, validation.examples(), options.batchSize(), scope).mean();
      }
    }

    private void recordValidation(double loss) {
      boolean improved =
          bestValidationLoss.isEmpty()
              || (loss < bestValidationLoss.getAsDouble()
                  && bestValidationLoss.getAsDouble() - loss > options.earlyStoppingThreshold());
      if (improved) {
        bestValidationLoss = OptionalDouble.of(loss);
        bestStep = step;
        evaluationsWithoutImprovement = 0;
        if (best == null) {
          best = adapter.snapshot(adapter.manager());
        } else {
          best.copyFrom(adapter);
        }
      } else {
        evaluationsWithoutImprovement++;
        if (options.earlyStoppingPatience() > 0
            && evaluationsWithoutImprovement >= options.earlyStoppingPatience()) {
          stoppedEarly = true;
        }
      }
    }

    private List<int[]> planOf(long wanted) {
      if (planEpoch != wanted) {
        plan =
            BatchPlanner.plan(
                lengths, options.batchSize(), options.groupByLength(), options.seed(), wanted);
        planEpoch = wanted;
      }
      return plan;
    }

    private TrainingCheckpoint.State state(boolean completed) {
      return new TrainingCheckpoint.State(
          step,
          totalSteps,
          warmupSteps,
          epoch,
          batchIndex,
          options.seed(),
          training.fingerprint(),
          training.size(),
          validation == null ? "" : validation.fingerprint(),
          validation == null ? 0 : validation.size(),
          adapter.settings(),
          options.trajectory(),
          bestValidationLoss,
          bestStep,
          evaluationsWithoutImprovement,
          stoppedEarly,
          completed,
          history);
    }

    /** Restores the newest checkpoint, if any; true when it is of a finished run. */
    private boolean resume() {
      Optional<Path> directory = options.checkpointDirectoryIfAny();
      if (directory.isEmpty()) {
        return false;
      }
      TrainingCheckpoint.removeLeftovers(directory.get());
      Optional<Path> latest = TrainingCheckpoint.latest(directory.get());
      if (latest.isEmpty()) {
        return false;
      }
      Path checkpoint = latest.get();
      TrainingCheckpoint.State state = TrainingCheckpoint.readState(checkpoint);
      checkBelongs(checkpoint, state);
      if (state.bestValidationLoss().isPresent()) {
        best = adapter.snapshot(adapter.manager());
      }
      try {
        TrainingCheckpoint.restore(checkpoint, state, adapter, optimizer, best);
      } catch (ModelLoadException e) {
        throw new TrainingException("Cannot resume from " + checkpoint + ": " + e.getMessage(), e);
      }
      step = state.step();
      epoch = state.epoch();
      batchIndex = state.batchIndex();
      bestValidationLoss = state.bestValidationLoss();
      bestStep = state.bestStep();
      evaluationsWithoutImprovement = state.evaluationsWithoutImprovement();
      stoppedEarly = state.stoppedEarly();
      history.addAll(state.history());
      resumedFrom = step;
      return state.completed();
    }

    private void checkBelongs(Path checkpoint, TrainingCheckpoint.State state) {
      List<String> problems = new ArrayList<>();
      if (!state.lora().equals(adapter.settings())) {
        problems.add("LoRA settings " + state.lora() + " differ from " + adapter.settings());
      }
      Map<String, Object> wanted = options.trajectory();
      TreeSet<String> keys = new TreeSet<>(wanted.keySet());
      keys.addAll(state.options().keySet());
      for (String key : keys) {
        if (!sameValue(wanted.get(key), state.options().get(key))) {
          problems.add(
              "option " + key + " was " + state.options().get(key) + ", is " + wanted.get(key));
        }
      }
      if (!state.trainingFingerprint().equals(training.fingerprint())) {
        problems.add(
            String.format(
                "the training rows differ (%d rows, sha256 %s; now %d rows, sha256 %s)",
                state.trainingRows(),
                state.trainingFingerprint(),
                training.size(),
                training.fingerprint()));
      }
      String validationPrint = validation == null ? "" : validation.fingerprint();
      if (!state.validationFingerprint().equals(validationPrint)) {
        problems.add("the validation rows differ");
      }
      if (state.totalSteps() != totalSteps || state.step() > totalSteps) {
        problems.add("it plans " + state.totalSteps() + " updates, this run " + totalSteps);
      }
      if (!problems.isEmpty()) {
        throw new TrainingException(
            "Cannot resume from " + checkpoint + ": " + String.join("; ", problems));
      }
    }

    private static boolean sameValue(Object a, Object b) {
      if (a instanceof Number && b instanceof Number) {
        return ((Number) a).doubleValue() == ((Number) b).doubleValue();
      }
      return Objects.equals(a == null ? null : a.toString(), b == null ? null : b.toString());
    }

    @Override
    public void close() {
      if (best != null) {
        best.close();
      }
      optimizer.close();
    }
  }
}
