package io.adapterforge.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op threads for a training thread.
 *
 * <p>DJL sets them once, when the engine starts, from {@code ai.djl.pytorch.num_threads}: too late
 * when something started the engine before (a driver that also trains in local mode), and only for
 * the thread that started it. libtorch's CPU build parallelizes with OpenMP, whose thread count
 * belongs to each calling thread; {@code at::set_num_threads} sets it for the calling thread (and
 * for MKL on it) and stores it process-wide for threads that have not run a parallel op yet. So
 * each training thread calls {@link #use} before its first op: S runs of T threads each on S × T
 * cores then neither oversubscribe the cores nor leave them idle. With several runs in one JVM, all
 * should use the same count (the process-wide value is the last one set).
 *
 * <p>Thread-safe.
 */
public final class TorchThreads {
  private TorchThreads() {}

  /**
   * Starts the PyTorch engine if needed, then makes libtorch's ops on the calling thread use {@code
   * threads} intra-op threads.
   *
   * @throws IllegalArgumentException if {@code threads} is not positive
   */
  public static void use(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "Cannot use " + threads + " libtorch threads: must be positive");
    }
    // JniUtils needs the native library, which the engine loads when it starts.
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
  }

  /** The intra-op threads libtorch's ops on the calling thread use. */
  public static int current() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }
}
