package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values of the tokens one sequence (batch size 1) has run through a {@link
 * DecoderModel} so far, per layer, so that decoding runs only the new tokens: see {@link
 * DecoderModel#logitsWithCache}.
 *
 * <p>Each layer's keys (after the key norm, where the model has one, and RoPE) and values are
 * float32 arrays {@code [1, kv_heads, capacity, head_dim]}, allocated when the cache is created in
 * a manager the cache owns and {@link #close()} frees; positions {@code 0..length()-1} are valid.
 * That is {@code 2 · layers · kv_heads · capacity · head_dim · 4} bytes, whatever the length.
 * Stored values are detached from any autograd graph: the cache is for inference only.
 *
 * <p>The cached keys and values were computed with the adapters the model's projections had when
 * they were stored: after swapping adapters, {@link #clear()} the cache or make a new one.
 *
 * <p>A cache belongs to the model it was made for and holds one sequence; it is not thread-safe.
 */
public final class KvCache implements AutoCloseable {
  private final DecoderModel model;
  private final NDManager manager;
  private final int capacity;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;
  private boolean closed;

  private KvCache(DecoderModel model, NDManager manager, int capacity) {
    this.model = model;
    this.manager = manager;
    this.capacity = capacity;
    int layers = model.config().numHiddenLayers();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /**
   * An empty cache for up to {@code capacity} tokens of one sequence run through {@code model}.
   *
   * @param manager the parent of the cache's own manager; must be on the model's device
   * @throws IllegalArgumentException if the capacity is not in {@code [1, max_position_embeddings]}
   *     or the manager is on another device
   */
  public static KvCache create(DecoderModel model, int capacity, NDManager manager) {
    requireNonNull(model, "model is null");
    requireNonNull(manager, "manager is null");
    ModelConfig config = model.config();
    if (capacity < 1 || capacity > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot create a KV cache of capacity %d for %s: must be in [1, %d]"
                  + " (max_position_embeddings)",
              capacity, model, config.maxPositionEmbeddings()));
    }
    if (!manager.getDevice().equals(model.device())) {
      throw new IllegalArgumentException(
          "Cannot create a KV cache on "
              + manager.getDevice()
              + " for a model on "
              + model.device());
    }
    KvCache cache = new KvCache(model, manager.newSubManager(), capacity);
    try {
      Shape shape = new Shape(1, config.numKeyValueHeads(), capacity, config.headDim());
      for (int layer = 0; layer < cache.keys.length; layer++) {
        cache.keys[layer] = cache.manager.zeros(shape, DataType.FLOAT32);
        cache.values[layer] = cache.manager.zeros(shape, DataType.FLOAT32);
      }
      return cache;
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }
  }

  /** The number of tokens cached: the position the next token takes. */
  public int length() {
    return length;
  }

  /** The most tokens the cache can hold. */
  public int capacity() {
    return capacity;
  }

  /** Forgets every cached token, keeping the memory: the next token takes position 0. */
  public void clear() {
    length = 0;
  }

  /** Frees the cached keys and values; idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  @Override
  public String toString() {
    return String.format("KvCache[%d of %d tokens, %s]", length, capacity, model);
  }

  /**
   * Checks that {@code count} new tokens can run through {@code user} with this cache.
   *
   * @throws IllegalStateException if the cache is closed or was made for another model
   * @throws IllegalArgumentException if the tokens do not fit the capacity
   */
  void checkAppend(DecoderModel user, long count) {
    if (closed) {
      throw new IllegalStateException("Cannot use a closed KV cache");
    }
    if (user != model) {
      throw new IllegalStateException(
          "Cannot use a KV cache with a model other than the one it was made for, " + model);
    }
    if (length + count > capacity) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot add %d tokens to a KV cache holding %d of at most %d: the sequence would"
                  + " have %d",
              count, length, capacity, length + count));
    }
  }

  /**
   * Writes a layer's keys and values of new tokens, {@code [1, kv_heads, n, head_dim]} each, after
   * the cached ones, and returns the keys and values of positions {@code 0..length()+n-1} attached
   * to {@code newKeys}' manager. The length stays as it is until {@link #advance}, so a pass that
   * fails halfway leaves the cache as it was.
   */
  NDArray[] store(int layer, NDArray newKeys, NDArray newValues) {
    long end = length + newKeys.getShape().get(2);
    NDIndex written = new NDIndex(":, :, {}:{}", length, end);
    // Detached: the cache must not keep an autograd graph alive. The detached handles die with
    // the pass's manager.
    keys[layer].set(written, newKeys.stopGradient());
    values[layer].set(written, newValues.stopGradient());
    NDIndex valid = new NDIndex(":, :, :{}", end);
    NDArray cachedKeys = keys[layer].get(valid);
    NDArray cachedValues = values[layer].get(valid);
    // Views of the cache's memory, owned by the pass: closing them leaves the cache intact.
    cachedKeys.attach(newKeys.getManager());
    cachedValues.attach(newKeys.getManager());
    return new NDArray[] {cachedKeys, cachedValues};
  }

  /** Counts {@code count} more tokens as cached, once every layer has stored them. */
  void advance(long count) {
    length = Math.toIntExact(length + count);
  }
}
