package io.adapterforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.adapterforge.trainer.CounterRandom;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.TrainingException;
import io.adapterforge.trainer.lora.LoraAdapter;
import io.adapterforge.trainer.model.DecoderModel;
import java.util.List;

/**
 * One optimizer update over a window of micro-batches: zero the gradients; for each micro-batch a
 * forward pass with LoRA dropout keyed by {@code (seed, step, micro-batch)} and a backward pass of
 * its summed cross-entropy divided by the window's scored tokens (so the gradients add up to those
 * of the window's mean loss); global-norm clipping; one AdamW update.
 *
 * <p>The graph is recorded by a {@link GradientRecorder} of the calling thread, not DJL's JVM-wide
 * gradient collector, so runs on other threads of the JVM train at the same time. Not thread-safe:
 * one run owns an instance.
 */
final class UpdateStep {
  /** Tag mixed into the seed for dropout keys. */
  static final long DROPOUT_STREAM = 0x44726f706f7574L;

  private final DecoderModel model;
  private final LoraAdapter adapter;
  private final AdamW optimizer;
  private final double maxGradNorm;
  private final long seed;

  /** What an update did. */
  record Outcome(double loss, double gradNorm, long tokens, long scoredTokens, double seconds) {}

  UpdateStep(
      DecoderModel model, LoraAdapter adapter, AdamW optimizer, double maxGradNorm, long seed) {
    this.model = model;
    this.adapter = adapter;
    this.optimizer = optimizer;
    this.maxGradNorm = maxGradNorm;
    this.seed = seed;
  }

  /** The dropout key of micro-batch {@code micro} of update {@code step} (0-based both). */
  static long dropoutKey(long seed, long step, long micro) {
    return CounterRandom.key(seed, DROPOUT_STREAM, step, micro);
  }

  /**
   * Runs update {@code step} (0-based) on {@code window} with {@code learningRate}.
   *
   * @throws TrainingException if the loss or the gradient norm is not finite
   */
  Outcome run(List<Batch> window, long step, double learningRate) {
    long started = System.nanoTime();
    long scored = 0;
    long tokens = 0;
    for (Batch batch : window) {
      scored += batch.scoredTokens();
      tokens += batch.tokens();
    }
    if (scored == 0) {
      throw new TrainingException("Cannot run update " + (step + 1) + ": it scores no token");
    }
    optimizer.zeroGradients();
    double lossSum = 0;
    adapter.setTraining(true);
    try {
      for (int micro = 0; micro < window.size(); micro++) {
        adapter.setDropoutKey(dropoutKey(seed, step, micro));
        try (NDManager scope = adapter.manager().newSubManager();
            GradientRecorder recorder = GradientRecorder.open()) {
          NDArray sum = CausalLmLoss.sum(model, window.get(micro), scope);
          lossSum += sum.getFloat();
          recorder.backward(NativeArrays.div(sum, scored));
        }
      }
    } finally {
      adapter.setTraining(false);
    }
    double loss = lossSum / scored;
    if (!Double.isFinite(loss)) {
      throw new TrainingException(
          "Training diverged: the loss of update " + (step + 1) + " is " + loss);
    }
    double norm = GradientClipping.clipGlobalNorm(optimizer.parameters(), maxGradNorm);
    if (!Double.isFinite(norm)) {
      throw new TrainingException(
          "Training diverged: the gradient norm of update " + (step + 1) + " is " + norm);
    }
    optimizer.step(learningRate);
    return new Outcome(loss, norm, tokens, scored, (System.nanoTime() - started) / 1e9);
  }
}
