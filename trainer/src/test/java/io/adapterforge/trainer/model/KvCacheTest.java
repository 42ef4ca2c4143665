package io.adapterforge.trainer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.adapterforge.trainer.NdManagerExtension;
import io.adapterforge.trainer.ReferenceModels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NdManagerExtension.class)
class KvCacheTest {
  /** float32 with other summation orders: the two paths differ only by rounding. */
  private static final double TOLERANCE = 1e-4;

  /** Eleven tokens: longer than Gemma 3's reference sliding window of 4. */
  private static final long[] TOKENS = {5, 17, 3, 250, 99, 1, 42, 511, 7, 300, 64};

  /** How the tokens are fed to the cache: a prompt, then single tokens and one longer piece. */
  private static final int[] PIECES = {3, 1, 4, 1, 1, 1};

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen3", "gemma3_text"})
  void cachedPiecesGiveTheFullSequenceLogitsAtEveryPosition(
      String architecture, NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model(architecture), manager);
        KvCache cache = KvCache.create(model, TOKENS.length, manager)) {
      if (architecture.equals("gemma3_text")) {
        // The window must cut into the sequence for this test to cover sliding layers.
        assertThat(model.config().layerTypes()).contains(AttentionType.SLIDING_ATTENTION);
        assertThat(model.config().slidingWindow()).isLessThan(TOKENS.length - 2);
      }
      float[] full =
          model.logits(manager.create(TOKENS, new Shape(1, TOKENS.length)), null).toFloatArray();
      int vocab = model.config().vocabSize();

      float[] cached = runInPieces(model, cache, manager);

      assertThat(cache.length()).isEqualTo(TOKENS.length);
      assertThat(cached).hasSize(TOKENS.length * vocab);
      for (int position = 0; position < TOKENS.length; position++) {
        float[] expected = Arrays.copyOfRange(full, position * vocab, (position + 1) * vocab);
        float[] actual = Arrays.copyOfRange(cached, position * vocab, (position + 1) * vocab);
        assertThat(maxDifference(actual, expected))
            .as("%s logits at position %d", architecture, position)
            .isLessThan(TOLERANCE);
      }
    }
  }

  @Test
  void hiddenStatesWithCacheThroughTheHeadAreTheCachedLogits(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("gemma3_text"), manager);
        KvCache first = KvCache.create(model, 8, manager);
        KvCache second = KvCache.create(model, 8, manager)) {
      NDArray ids = manager.create(new long[][] {{9, 8, 7, 6, 5}});
      NDArray logits = model.logitsWithCache(ids, first);
      NDArray hidden = model.hiddenStatesWithCache(ids, second);

      assertThat(hidden.getShape()).isEqualTo(new Shape(1, 5, 64));
      assertThat(second.length()).isEqualTo(5);
      assertThat(model.head(hidden).toFloatArray()).containsExactly(logits.toFloatArray());
    }
  }

  @Test
  void anAdapterSetOnAProjectionActsInTheCachedPassToo(NDManager manager) {
    // v_proj of the reference llama: 2 key/value heads of 16 from hidden 64.
    NDArray delta = manager.randomNormal(0, 0.05f, new Shape(32, 64), DataType.FLOAT32);
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        KvCache plain = KvCache.create(model, TOKENS.length, manager);
        KvCache adapted = KvCache.create(model, TOKENS.length, manager)) {
      float[] base = runInPieces(model, plain, manager);
      model.projection(1, "v_proj").setAdapter(x -> Linear.linear(x, delta).singletonOrThrow());
      try {
        float[] full =
            model.logits(manager.create(TOKENS, new Shape(1, TOKENS.length)), null).toFloatArray();

        float[] cached = runInPieces(model, adapted, manager);

        assertThat(maxDifference(cached, full)).isLessThan(TOLERANCE);
        assertThat(maxDifference(cached, base)).isGreaterThan(1e-2);
      } finally {
        model.projection(1, "v_proj").setAdapter(null);
      }
    }
  }

  @Test
  void aClearedCacheStartsTheSequenceAgain(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("qwen3"), manager);
        KvCache cache = KvCache.create(model, 6, manager)) {
      NDArray ids = manager.create(new long[][] {{1, 2, 3}});
      float[] first = model.logitsWithCache(ids, cache).toFloatArray();
      model.logitsWithCache(manager.create(new long[][] {{4, 5}}), cache);

      cache.clear();

      assertThat(cache.length()).isZero();
      assertThat(model.logitsWithCache(ids, cache).toFloatArray()).containsExactly(first);
      assertThat(cache.length()).isEqualTo(3);
    }
  }

  @Test
  void aCachedPassLeavesOnlyItsResultBehind(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("gemma3_text"), manager);
        KvCache cache = KvCache.create(model, 8, manager)) {
      model.logitsWithCache(manager.create(new long[][] {{3, 4, 5}}), cache);
      NDArray ids = manager.create(new long[][] {{6}});
      int before = manager.getManagedArrays().size();

      NDArray logits = model.logitsWithCache(ids, cache);

      assertThat(logits.getShape()).isEqualTo(new Shape(1, 1, 512));
      assertThat(manager.getManagedArrays()).hasSize(before + 1).contains(logits);
    }
  }

  @Test
  void refusesTokensBeyondTheCapacityAndKeepsTheCacheAsItWas(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        KvCache cache = KvCache.create(model, 4, manager);
        KvCache fresh = KvCache.create(model, 4, manager)) {
      model.logitsWithCache(manager.create(new long[][] {{10, 11, 12}}), cache);

      assertThatThrownBy(
              () -> model.logitsWithCache(manager.create(new long[][] {{13, 14}}), cache))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Cannot add 2 tokens to a KV cache holding 3 of at most 4: the sequence would"
                  + " have 5");
      assertThatThrownBy(() -> model.logitsWithCache(manager.create(new long[][] {{512}}), cache))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot use input_ids with values in [512, 512]: vocab_size is 512");

      assertThat(cache.length()).isEqualTo(3);
      float[] last =
          model.logitsWithCache(manager.create(new long[][] {{13}}), cache).toFloatArray();
      float[] expected =
          model
              .logitsWithCache(manager.create(new long[][] {{10, 11, 12, 13}}), fresh)
              .get(new NDIndex(":, 3:4"))
              .toFloatArray();
      assertThat(maxDifference(last, expected)).isLessThan(TOLERANCE);
      assertThat(cache.length()).isEqualTo(4);
    }
  }

  @Test
  void refusesABatchOfMoreThanOneSequence(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("qwen3"), manager);
        KvCache cache = KvCache.create(model, 8, manager)) {
      assertThatThrownBy(
              () -> model.logitsWithCache(manager.create(new long[][] {{1, 2}, {3, 4}}), cache))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot use input_ids of shape (2, 2) with a KV cache: the batch must be 1");
      assertThat(cache.length()).isZero();
    }
  }

  @Test
  void refusesACacheOfAnotherModelOrAClosedOne(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager);
        DecoderModel other = DecoderModel.load(ReferenceModels.model("llama"), manager)) {
      NDArray ids = manager.create(new long[][] {{1}});
      KvCache cache = KvCache.create(model, 4, manager);
      assertThatThrownBy(() -> other.logitsWithCache(ids, cache))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "Cannot use a KV cache with a model other than the one it was made for, " + model);

      cache.close();
      cache.close();

      assertThatThrownBy(() -> model.logitsWithCache(ids, cache))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("Cannot use a closed KV cache");
    }
  }

  @Test
  void refusesACapacityOutsideThePositionsOfTheModel(NDManager manager) {
    try (DecoderModel model = DecoderModel.load(ReferenceModels.model("llama"), manager)) {
      int positions = model.config().maxPositionEmbeddings();
      assertThatThrownBy(() -> KvCache.create(model, 0, manager))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Cannot create a KV cache of capacity 0 for "
                  + model
                  + ": must be in [1, "
                  + positions
                  + "] (max_position_embeddings)");
      assertThatThrownBy(() -> KvCache.create(model, positions + 1, manager))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot create a KV cache of capacity " + (positions + 1));
      try (KvCache largest = KvCache.create(model, positions, manager)) {
        assertThat(largest.capacity()).isEqualTo(positions);
        assertThat(largest.length()).isZero();
      }
    }
  }

  /** The logits {@code [1, TOKENS.length, vocab]} of {@link #TOKENS} fed in {@link #PIECES}. */
  private static float[] runInPieces(DecoderModel model, KvCache cache, NDManager manager) {
    int vocab = model.config().vocabSize();
    float[] logits = new float[TOKENS.length * vocab];
    int start = 0;
    for (int piece : PIECES) {
      long[] ids = Arrays.copyOfRange(TOKENS, start, start + piece);
      assertThat(cache.length()).isEqualTo(start);
      NDArray result = model.logitsWithCache(manager.create(ids, new Shape(1, piece)), cache);
      assertThat(result.getShape()).isEqualTo(new Shape(1, piece, vocab));
      assertThat(result.getDataType()).isEqualTo(DataType.FLOAT32);
      System.arraycopy(result.toFloatArray(), 0, logits, start * vocab, piece * vocab);
      start += piece;
    }
    assertThat(start).isEqualTo(TOKENS.length);
    return logits;
  }

  private static double maxDifference(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }
}
