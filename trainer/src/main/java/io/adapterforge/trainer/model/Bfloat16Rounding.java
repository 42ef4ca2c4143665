package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;
import io.adapterforge.trainer.NativeArrays;

/**
 * Rounds float32 arrays to the nearest bfloat16 value while staying float32, with ordinary
 * arithmetic only (DJL's CPU engine cannot hold bfloat16 arrays). Veltkamp splitting: for {@code c
 * = 2^16 + 1}, {@code hi = c·x − (c·x − x)} keeps the 8 most significant bits of x's 24, which is
 * bfloat16's precision, rounded to nearest; only exact halfway cases may differ from ties-to-even.
 * The gradient of the rounding is 1 (as a cast's is). Valid for |x| below about 5·10^33. Stateless
 * and thread-safe.
 */
final class Bfloat16Rounding {
  private static final float SPLITTER = 65537f;

  private Bfloat16Rounding() {}

  /** The rounded values, attached to {@code x}'s manager (as are the two intermediates). */
  static NDArray round(NDArray x) {
    NDArray scaled = NativeArrays.mul(x, SPLITTER);
    return scaled.sub(scaled.sub(x));
  }
}
