package io.adapterforge.trainer.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * One transformer block. Llama, Mistral and Qwen: {@code h += attn(norm(h)); h += mlp(norm(h))}.
 * Gemma 3 wraps each sub-layer in a pre- and a post-norm: {@code h += post(attn(pre(h)))}, the same
 * for the MLP. Immutable apart from the projections' adapters; thread-safe.
 */
final class DecoderLayer {
  private final int index;
  private final AttentionType attentionType;
  private final RmsNorm inputNorm;
  private final Attention attention;
  private final RmsNorm postAttentionNorm;
  private final RmsNorm preFeedForwardNorm;
  private final FeedForward feedForward;
  private final RmsNorm postFeedForwardNorm;
  private final List<Projection> projections;

  /**
   * @param preFeedForwardNorm null except for Gemma; then {@code postAttentionNorm} normalizes the
   *     attention output instead of the MLP input
   * @param postFeedForwardNorm null except for Gemma
   */
  DecoderLayer(
      int index,
      AttentionType attentionType,
      RmsNorm inputNorm,
      Attention attention,
      RmsNorm postAttentionNorm,
      RmsNorm preFeedForwardNorm,
      FeedForward feedForward,
      RmsNorm postFeedForwardNorm,
      List<Projection> projections) {
    this.index = index;
    this.attentionType = attentionType;
    this.inputNorm = inputNorm;
    this.attention = attention;
    this.postAttentionNorm = postAttentionNorm;
    this.preFeedForwardNorm = preFeedForwardNorm;
    this.feedForward = feedForward;
    this.postFeedForwardNorm = postFeedForwardNorm;
    this.projections = List.copyOf(projections);
  }

  int index() {
    return index;
  }

  AttentionType attentionType() {
    return attentionType;
  }

  List<Projection> projections() {
    return projections;
  }

  NDArray apply(NDArray hidden, NDArray mask, NDArray cos, NDArray sin) {
    return apply(hidden, mask, cos, sin, null);
  }

  /**
   * The block on new tokens; with a {@code cache}, attention also reads the keys and values cached
   * for this layer and stores the new tokens' (see {@link Attention#apply(NDArray, NDArray,
   * NDArray, NDArray, KvCache, int)}).
   */
  NDArray apply(NDArray hidden, NDArray mask, NDArray cos, NDArray sin, KvCache cache) {
    NDArray attended = attention.apply(inputNorm.apply(hidden), mask, cos, sin, cache, index);
    if (preFeedForwardNorm == null) {
      NDArray h = hidden.add(attended);
      return h.add(feedForward.apply(postAttentionNorm.apply(h)));
    }
    NDArray h = hidden.add(postAttentionNorm.apply(attended));
    return h.add(postFeedForwardNorm.apply(feedForward.apply(preFeedForwardNorm.apply(h))));
  }
}
