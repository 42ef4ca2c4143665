package io.adapterforge.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records the autograd graph of the forward passes run on the calling thread and runs their
 * backward pass: what DJL's {@code PtGradientCollector} does, call for call (grad mode on when
 * opened, back to what it was when closed; backward from a tensor of ones, neither keeping nor
 * creating a graph), minus its JVM-wide flag that refuses a second collector while one is open.
 *
 * <p>That flag is the only thing that stops two threads from training at once: libtorch's grad mode
 * is thread-local, and its autograd engine runs concurrent backward passes over separate graphs
 * (each on the CPU in the thread that asked). So each training thread opens its own recorder and
 * training runs in one JVM need not take turns. Gradients accumulate into the leaves the graph
 * reaches: the caller zeroes them (as {@link AdamW#zeroGradients()} does).
 *
 * <p>PyTorch engine only. Not thread-safe: a recorder belongs to the thread that opened it, and is
 * closed on that thread (try-with-resources).
 */
final class GradientRecorder implements AutoCloseable {
  private final boolean gradModeBefore;

  private GradientRecorder() {
    this.gradModeBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  /** Turns libtorch's grad mode on for the calling thread until {@link #close()}. */
  static GradientRecorder open() {
    return new GradientRecorder();
  }

  /**
   * Backward pass from {@code target} (usually a scalar loss): adds {@code ∂target/∂leaf} to the
   * gradient of every leaf that requires one. Frees the graph.
   *
   * @throws IllegalStateException if {@code target} is not a PyTorch array
   */
  void backward(NDArray target) {
    if (!(target instanceof PtNDArray)) {
      throw new IllegalStateException(
          "Cannot run a backward pass on a "
              + target.getManager().getEngine().getEngineName()
              + " array: the trainer needs the PyTorch engine");
    }
    NDArray ones =
        target
            .getManager()
            .ones(target.getShape(), target.getDataType())
            .toDevice(target.getDevice(), false);
    JniUtils.backward((PtNDArray) target, (PtNDArray) ones, false, false);
  }

  /** Restores the calling thread's grad mode as it was when this recorder was opened. */
  @Override
  public void close() {
    if (!gradModeBefore) {
      JniUtils.setGradMode(false);
    }
  }
}
