package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NativeArrays;

/**
 * Rotary position embedding for one kind of layer: cos/sin tables for a run of positions, applied
 * to queries and keys as transformers' {@code apply_rotary_pos_emb} does ({@code x·cos +
 * rotate_half(x)·sin}, halves not interleaved). Immutable and thread-safe.
 */
final class RotaryEmbedding {
  private final float[] inverseFrequencies;

  RotaryEmbedding(float[] inverseFrequencies) {
    this.inverseFrequencies = inverseFrequencies.clone();
  }

  /**
   * The {@code [seqLen, headDim]} cosine and sine tables of positions {@code 0..seqLen-1}, in
   * {@code manager}. Angles are computed in double precision from the float32 inverse frequencies,
   * as a float32 reference would within rounding.
   */
  NDArray[] tables(NDManager manager, int seqLen) {
    return tables(manager, 0, seqLen);
  }

  /**
   * The {@code [seqLen, headDim]} cosine and sine tables of positions {@code offset..offset +
   * seqLen - 1}, in {@code manager}: row {@code i} equals row {@code offset + i} of {@code
   * tables(manager, offset + seqLen)} exactly, so a KV cache rotates each token as the
   * full-sequence pass does.
   */
  NDArray[] tables(NDManager manager, int offset, int seqLen) {
    int half = inverseFrequencies.length;
    int dim = 2 * half;
    float[] cos = new float[seqLen * dim];
    float[] sin = new float[seqLen * dim];
    for (int row = 0; row < seqLen; row++) {
      long position = (long) offset + row;
      for (int i = 0; i < half; i++) {
        double angle = (double) position * inverseFrequencies[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        int start = row * dim;
        cos[start + i] = c;
        cos[start + half + i] = c;
        sin[start + i] = s;
        sin[start + half + i] = s;
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
