package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NativeArrays;

/**
 * Rotary position embedding for one kind of layer: cos/sin tables for positions {@code 0..S-1},
 * applied to queries and keys as transformers' {@code apply_rotary_pos_emb} does ({@code x·cos +
 * rotate_half(x)·sin}, halves not interleaved). Immutable and thread-safe.
 */
final class RotaryEmbedding {
  private final float[] inverseFrequencies;

  RotaryEmbedding(float[] inverseFrequencies) {
    this.inverseFrequencies = inverseFrequencies.clone();
  }

  /**
   * The {@code [seqLen, headDim]} cosine and sine tables, in {@code manager}. Angles are computed
   * in double precision from the float32 inverse frequencies, as a float32 reference would within
   * rounding.
   */
  NDArray[] tables(NDManager manager, int seqLen) {
    int half = inverseFrequencies.length;
    int dim = 2 * half;
    float[] cos = new float[seqLen * dim];
    float[] sin = new float[seqLen * dim];
    for (int position = 0; position < seqLen; position++) {
      for (int i = 0; i < half; i++) {
        double angle = (double) position * inverseFrequencies[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        int row = position * dim;
        cos[row + i] = c;
        cos[row + half + i] = c;
        sin[row + i] = s;
        sin[row + half + i] = s;
      }
    }
    Shape shape = new Shape(seqLen, dim);
    // In libtorch's memory: x·cos and x·sin keep the tables for the backward pass.
    return new NDArray[] {
      NativeArrays.copyOf(manager, cos, shape), NativeArrays.copyOf(manager, sin, shape)
    };
  }

  /** Rotates {@code [batch, heads, seq, headDim]} by the tables of {@link #tables}. */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    NDList halves = x.split(2, x.getShape().dimension() - 1);
    NDArray rotated =
        NDArrays.concat(
            new NDList(halves.get(1).neg(), halves.get(0)), x.getShape().dimension() - 1);
    return x.mul(cos).add(rotated.mul(sin));
  }
}
