package io.adapterforge.evaluation.generate;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.model.DecoderModel;
import io.adapterforge.trainer.model.KvCache;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * Greedy decoding with a KV cache: the prompt runs through the model in one pass, then each step
 * runs only the token chosen last, and the next token is the argmax of the last position's logits
 * (the lowest id among equal maxima). Decoding ends at a stop token, which the result leaves out,
 * or after {@code maxNewTokens} tokens.
 *
 * <p>The model runs with whatever adapters its projections have: the caller attaches a LoRA adapter
 * before and detaches it after. Logits are computed only at the last position of each pass. Arrays
 * live in a manager of each call, on the model's device, freed when it returns.
 *
 * <p>Stateless and thread-safe: calls may run concurrently on one model as long as nobody swaps its
 * adapters meanwhile.
 */
public final class GreedyGenerator {
  /** A generator; it holds nothing, so one instance serves every model. */
  public GreedyGenerator() {}

  /**
   * Decodes the continuation of {@code promptIds} greedily.
   *
   * @param promptIds the prompt's token ids (the rendered conversation up to the assistant's turn),
   *     at least one, each in {@code [0, vocab_size)}
   * @param maxNewTokens the most tokens to generate, stop token included; positive
   * @param stopTokenIds ids that end the reply (such as {@code <end_of_turn>} or EOS); may be empty
   * @throws IllegalArgumentException if the prompt is empty or has an id outside the vocabulary,
   *     {@code maxNewTokens} is not positive, or prompt and reply would not fit the model's {@code
   *     max_position_embeddings}
   */
  public Generation generate(
      DecoderModel model, int[] promptIds, int maxNewTokens, Set<Integer> stopTokenIds) {
    requireNonNull(model, "model is null");
    requireNonNull(promptIds, "promptIds is null");
    Set<Integer> stops = Set.copyOf(requireNonNull(stopTokenIds, "stopTokenIds is null"));
    if (promptIds.length == 0) {
      throw new IllegalArgumentException("Cannot generate from an empty prompt");
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException(
          "Cannot generate " + maxNewTokens + " new tokens: maxNewTokens must be positive");
    }
    int positions = model.config().maxPositionEmbeddings();
    // The last generated token is never run through the model, so it takes no cache position.
    long needed = (long) promptIds.length + maxNewTokens - 1;
    if (needed > positions) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot generate up to %d tokens after a prompt of %d tokens: %s has"
                  + " max_position_embeddings %d",
              maxNewTokens, promptIds.length, model, positions));
    }
    try (NDManager manager = NDManager.newBaseManager(model.device());
        KvCache cache = KvCache.create(model, (int) needed, manager)) {
      long start = System.nanoTime();
      int next = nextToken(model, cache, manager, promptIds);
      long prefilled = System.nanoTime();
      int[] generated = new int[maxNewTokens];
      int count = 0;
      boolean stopped = false;
      while (true) {
        if (stops.contains(next)) {
          stopped = true;
          break;
        }
        generated[count++] = next;
        if (count == maxNewTokens) {
          break;
        }
        next = nextToken(model, cache, manager, new int[] {next});
      }
      long end = System.nanoTime();
      return new Generation(
          Arrays.copyOf(generated, count),
          stopped,
          promptIds.length,
          Duration.ofNanos(prefilled - start),
          Duration.ofNanos(end - prefilled));
    }
  }

  /** Runs {@code ids} after the cached tokens and returns the argmax at the last position. */
  private static int nextToken(DecoderModel model, KvCache cache, NDManager manager, int[] ids) {
    try (NDManager step = manager.newSubManager()) {
      long[] values = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        values[i] = ids[i];
      }
      NDArray input = NativeArrays.copyOf(step, values, new Shape(1, ids.length));
      NDArray hidden = model.hiddenStatesWithCache(input, cache);
      NDArray last = hidden.get(new NDIndex(":, -1:"));
      return Math.toIntExact(model.head(last).flatten().argMax().getLong());
    }
  }
}
