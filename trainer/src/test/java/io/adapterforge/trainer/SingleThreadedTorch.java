package io.adapterforge.trainer;

import org.junit.jupiter.api.extension.Extension;

/**
 * Runs libtorch with one intra-op and one inter-op thread in this module's tests, unless {@code
 * ai.djl.pytorch.num_threads} is set. The tests' tensors are tiny, so a second thread gains
 * nothing; on a busy two-core machine OpenMP's spinning barriers made each small op 10–20× slower
 * (a 2-layer forward pass took 100 ms instead of 5 ms). Registered through {@code
 * META-INF/services} and {@code junit-platform.properties} (extension autodetection), so it runs
 * before any test starts the engine.
 */
public final class SingleThreadedTorch implements Extension {
  static {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }
}
