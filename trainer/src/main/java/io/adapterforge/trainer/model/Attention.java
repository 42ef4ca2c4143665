package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NativeArrays;

/**
 * Grouped-query self-attention of one layer: projections, optional per-head q/k RMSNorm (Qwen3,
 * Gemma 3), RoPE, scaled dot products with an additive mask, softmax in float32, output projection.
 * Immutable apart from the projections' adapters; thread-safe.
 *
 * <p>Queries are grouped by the key/value head they share, {@code [batch, kv_heads, groups·seq,
 * head_dim]}, so each group multiplies against its keys and values directly instead of copying them
 * once per query head as transformers' {@code repeat_kv} does; the numbers are the same.
 */
final class Attention {
  private final Projection query;
  private final Projection key;
  private final Projection value;
  private final Projection output;
  private final RmsNorm queryNorm;
  private final RmsNorm keyNorm;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final float scale;

  Attention(
      Projection query,
      Projection key,
      Projection value,
      Projection output,
      RmsNorm queryNorm,
      RmsNorm keyNorm,
      ModelConfig config) {
    this.query = query;
    this.key = key;
    this.value = value;
    this.output = output;
    this.queryNorm = queryNorm;
    this.keyNorm = keyNorm;
    this.heads = config.numAttentionHeads();
    this.kvHeads = config.numKeyValueHeads();
    this.headDim = config.headDim();
    this.scale = (float) config.attentionScale();
  }

  /**
   * @param x {@code [batch, seq, hidden]}
   * @param mask additive mask {@code [batch, 1, 1, seq, seq]}: 0 where attention is allowed, the
   *     most negative float where it is not
   * @param cos {@code [seq, head_dim]}
   * @param sin {@code [seq, head_dim]}
   */
  NDArray apply(NDArray x, NDArray mask, NDArray cos, NDArray sin) {
    return apply(x, mask, cos, sin, null, 0);
  }

  /**
   * Attention of new tokens that also attend to the keys and values a KV cache holds for this
   * layer; their own keys and values are written to the cache after the cached ones (the cache's
   * length is advanced by the model once every layer has run).
   *
   * @param x {@code [batch, seq, hidden]}; batch 1 with a cache
   * @param mask additive mask {@code [batch, 1, 1, seq, keys]}, where keys is the cache's length
   *     plus seq (seq without a cache)
   * @param cos {@code [seq, head_dim]}, the rows of the new tokens' positions
   * @param sin {@code [seq, head_dim]}, likewise
   * @param cache null for a full-sequence pass
   * @param layer this layer's index in the cache
   */
  NDArray apply(NDArray x, NDArray mask, NDArray cos, NDArray sin, KvCache cache, int layer) {
    Shape shape = x.getShape();
    long batch = shape.get(0);
    long seq = shape.get(1);
    int groups = heads / kvHeads;
    NDArray q = query.apply(x).reshape(batch, seq, heads, headDim);
    NDArray k = key.apply(x).reshape(batch, seq, kvHeads, headDim);
    NDArray v = value.apply(x).reshape(batch, seq, kvHeads, headDim).transpose(0, 2, 1, 3);
    if (queryNorm != null) {
      q = queryNorm.apply(q);
      k = keyNorm.apply(k);
    }
    q = RotaryEmbedding.apply(q.transpose(0, 2, 1, 3), cos, sin);
    k = RotaryEmbedding.apply(k.transpose(0, 2, 1, 3), cos, sin);
    if (cache != null) {
      NDArray[] cached = cache.store(layer, k, v);
      k = cached[0];
      v = cached[1];
    }
    long keys = k.getShape().get(2);
    // Query head h uses key/value head h / groups, as repeat_kv arranges it.
    NDArray scores =
        NativeArrays.mul(
                q.reshape(batch, kvHeads, groups * seq, headDim).matMul(k.transpose(0, 1, 3, 2)),
                scale)
            .reshape(batch, kvHeads, groups, seq, keys)
            .add(mask);
    NDArray attended = scores.softmax(-1).reshape(batch, kvHeads, groups * seq, keys).matMul(v);
    NDArray merged =
        attended
            .reshape(batch, heads, seq, headDim)
            .transpose(0, 2, 1, 3)
            .reshape(batch, seq, (long) heads * headDim);
    return output.apply(merged);
  }
}
