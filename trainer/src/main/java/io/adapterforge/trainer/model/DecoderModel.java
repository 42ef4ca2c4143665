package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.adapterforge.trainer.ModelLoadException;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.safetensors.SafetensorsCheckpoint;
import io.adapterforge.trainer.safetensors.TensorReader;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only language model loaded from a Hugging Face model folder, computing float32 logits
 * with the formulas of transformers' modeling code (eager attention).
 *
 * <p>Inputs are token ids {@code [batch, seq]} and an attention mask of the same shape (1 for real
 * tokens, 0 for padding, which the trainer puts on the right). Positions are {@code 0..seq-1} for
 * every row, as in transformers when no {@code position_ids} are given. A token attends to earlier
 * non-padding tokens, and on sliding layers only to the last {@code sliding_window} of them.
 * Outputs at padding positions are computed but meaningless: callers ignore them.
 *
 * <p>For decoding, {@link #logitsWithCache} runs one sequence incrementally: a {@link KvCache}
 * holds the keys and values of the tokens seen so far, and each call runs only the new tokens, at
 * the positions that follow, with the same numbers as a full-sequence pass within float rounding.
 *
 * <p>Weights are held in float32 (or bfloat16, see {@link WeightPrecision}) in a manager the model
 * owns, which is capped after loading so that no array computed in a forward pass can attach to it;
 * {@link #close()} frees them. Every intermediate of a forward pass lives in a sub-manager of the
 * input's manager and is freed per layer; only the result stays, attached to the input's manager.
 * Autograd keeps what backward needs on its own, so freeing intermediates is safe while a {@code
 * GradientCollector} records, provided every array the graph may save lives in libtorch's memory:
 * tables and scalars made from Java data go through {@link io.adapterforge.trainer.NativeArrays} (a
 * test collects garbage between forward and backward passes to hold this).
 *
 * <p>Thread-safe: forward passes may run concurrently (each with inputs in its own manager, and its
 * own {@link KvCache}); the weights are never modified. Adapters are set per {@link Projection}.
 * Closing must not race with forward passes.
 */
public final class DecoderModel implements AutoCloseable {
  private final ModelConfig config;
  private final WeightPrecision precision;
  private final NDManager weights;
  private final NDArray embeddings;
  private final List<DecoderLayer> layers;
  private final RmsNorm finalNorm;
  private final Projection lmHead;
  private final Map<AttentionType, RotaryEmbedding> rotary;
  private final List<Projection> projections;

  private DecoderModel(
      ModelConfig config,
      WeightPrecision precision,
      NDManager weights,
      NDArray embeddings,
      List<DecoderLayer> layers,
      RmsNorm finalNorm,
      Projection lmHead) {
    this.config = config;
    this.precision = precision;
    this.weights = weights;
    this.embeddings = embeddings;
    this.layers = List.copyOf(layers);
    this.finalNorm = finalNorm;
    this.lmHead = lmHead;
    this.rotary = new EnumMap<>(AttentionType.class);
    for (AttentionType type : AttentionType.values()) {
      rotary.put(type, new RotaryEmbedding(config.rope(type).inverseFrequencies(config.headDim())));
    }
    List<Projection> all = new ArrayList<>();
    layers.forEach(layer -> all.addAll(layer.projections()));
    this.projections = Collections.unmodifiableList(all);
  }

  /** Loads a local model folder; weights go into a sub-manager of {@code manager}. */
  public static DecoderModel load(Path directory, NDManager manager) {
    return load(StorageDirectory.local(directory), manager);
  }

  /**
   * Loads {@code config.json} and the weights ({@code model.safetensors} or the sharded index) of a
   * model folder; weights go into a sub-manager of {@code manager}, on its device.
   *
   * @throws ModelLoadException naming the file and tensor or field when the folder cannot be
   *     loaded: unsupported architecture, missing tensor, shape that disagrees with the config
   */
  public static DecoderModel load(StorageDirectory directory, NDManager manager) {
    return load(directory, manager, WeightPrecision.FLOAT32);
  }

  /**
   * As {@link #load(StorageDirectory, NDManager)}, holding the weights in {@code precision}.
   *
   * @throws ModelLoadException as {@link #load(StorageDirectory, NDManager)}
   */
  public static DecoderModel load(
      StorageDirectory directory, NDManager manager, WeightPrecision precision) {
    ModelConfig config = ModelConfig.load(directory);
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(directory)) {
      return load(config, checkpoint, manager, precision);
    }
  }

  /** Builds a float32 model from a config and tensors under Hugging Face names. */
  public static DecoderModel load(ModelConfig config, TensorReader tensors, NDManager manager) {
    return load(config, tensors, manager, WeightPrecision.FLOAT32);
  }

  /** Builds a model from a config and tensors under Hugging Face names, in {@code precision}. */
  public static DecoderModel load(
      ModelConfig config, TensorReader tensors, NDManager manager, WeightPrecision precision) {
    requireNonNull(config, "config is null");
    requireNonNull(tensors, "tensors is null");
    requireNonNull(manager, "manager is null");
    requireNonNull(precision, "precision is null");
    NDManager weights = manager.newSubManager();
    try {
      DecoderModel model = new WeightLoader(config, tensors, weights, precision).build();
      // From here on, attaching anything to the weights manager is a bug (an op whose first
      // operand was a weight): capping turns that leak into an immediate error.
      weights.cap();
      return model;
    } catch (RuntimeException e) {
      weights.close();
      throw e;
    }
  }

  /** The architecture. */
  public ModelConfig config() {
    return config;
  }

  /** How the base weights are held. */
  public WeightPrecision precision() {
    return precision;
  }

  /** The device the weights live on; inputs must be on it too. */
  public Device device() {
    return weights.getDevice();
  }

  /**
   * The projections of every layer in order (q, k, v, o, gate, up, down per layer): where adapters
   * attach. The LM head is not among them.
   */
  public List<Projection> projections() {
    return projections;
  }

  /** The projection of a layer by module name ({@code q_proj}, …, {@code down_proj}). */
  public Projection projection(int layer, String module) {
    if (layer < 0 || layer >= layers.size()) {
      throw new IllegalArgumentException(
          "Cannot use layer " + layer + ": the model has " + layers.size() + " layers");
    }
    return layers.get(layer).projections().stream()
        .filter(projection -> projection.module().equals(module))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Cannot find projection '" + module + "'"));
  }

  /**
   * Logits {@code [batch, seq, vocab]} in float32, attached to {@code inputIds}' manager.
   *
   * @param inputIds token ids {@code [batch, seq]}, INT64 or INT32, each in {@code [0, vocab_size)}
   * @param attentionMask {@code [batch, seq]}, nonzero for real tokens; null means no padding
   * @throws IllegalArgumentException if the shapes, types or ids are invalid
   */
  public NDArray logits(NDArray inputIds, NDArray attentionMask) {
    return run(inputIds, attentionMask, true);
  }

  /**
   * The final hidden states {@code [batch, seq, hidden]} (after the last norm, before the LM head),
   * attached to {@code inputIds}' manager. Arguments as for {@link #logits}.
   */
  public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask) {
    return run(inputIds, attentionMask, false);
  }

  /**
   * Logits {@code [1, n, vocab]} in float32 of {@code n} new tokens continuing the sequence {@code
   * cache} holds, attached to {@code inputIds}' manager; the tokens' keys and values are appended
   * to the cache. The tokens take positions {@code cache.length()..cache.length()+n-1} and attend
   * to every cached token and causally to each other (on sliding layers to the last {@code
   * sliding_window} positions only), so running a sequence in pieces gives, within float rounding,
   * the logits {@code logits(ids, null)} computes for the whole sequence. No autograd: for
   * inference. If the call fails, the cache is left as it was.
   *
   * @param inputIds token ids {@code [1, n]}, INT64 or INT32, each in {@code [0, vocab_size)}
   * @param cache made for this model by {@link KvCache#create}
   * @throws IllegalArgumentException if the batch is not 1, the shape, type or ids are otherwise
   *     invalid, or the cache has no room for {@code n} more tokens
   * @throws IllegalStateException if the cache is closed or was made for another model
   */
  public NDArray logitsWithCache(NDArray inputIds, KvCache cache) {
    return run(inputIds, null, requireNonNull(cache, "cache is null"), true);
  }

  /**
   * The final hidden states {@code [1, n, hidden]} of new tokens run with a KV cache, as {@link
   * #logitsWithCache} runs them (appending to the cache): {@code head} of them gives its logits.
   * Lets a decoder compute logits only at the last position.
   *
   * @throws IllegalArgumentException as {@link #logitsWithCache}
   * @throws IllegalStateException as {@link #logitsWithCache}
   */
  public NDArray hiddenStatesWithCache(NDArray inputIds, KvCache cache) {
    return run(inputIds, null, requireNonNull(cache, "cache is null"), false);
  }

  /**
   * The LM head (and Gemma's final soft-capping) applied to final hidden states {@code [...,
   * hidden]}, giving float32 logits {@code [..., vocab]} attached to {@code hiddenStates}' manager:
   * {@code head(hiddenStates(ids, mask))} equals {@code logits(ids, mask)}. Lets a loss compute
   * logits only at the positions it scores.
   */
  public NDArray head(NDArray hiddenStates) {
    requireNonNull(hiddenStates, "hiddenStates is null");
    NDArray result = lmHead.apply(hiddenStates);
    if (config.finalLogitSoftcapping().isPresent()) {
      float cap = (float) config.finalLogitSoftcapping().getAsDouble();
      result = NativeArrays.mul(NativeArrays.div(result, cap).tanh(), cap);
    }
    return result;
  }

  private NDArray run(NDArray inputIds, NDArray attentionMask, boolean withHead) {
    return run(inputIds, attentionMask, null, withHead);
  }

  /** A forward pass; with a cache (batch 1, no mask) the tokens continue the cached sequence. */
  private NDArray run(NDArray inputIds, NDArray attentionMask, KvCache cache, boolean withHead) {
    requireNonNull(inputIds, "inputIds is null");
    NDManager caller = inputIds.getManager();
    Shape shape = validate(inputIds, attentionMask);
    int batch = (int) shape.get(0);
    int seq = (int) shape.get(1);
    int offset = 0;
    if (cache != null) {
      if (batch != 1) {
        throw new IllegalArgumentException(
            "Cannot use input_ids of shape " + shape + " with a KV cache: the batch must be 1");
      }
      cache.checkAppend(this, seq);
      offset = cache.length();
    }
    try (NDManager scope = caller.newSubManager()) {
      Map<AttentionType, NDArray> masks = masks(scope, attentionMask, batch, offset, seq);
      Map<AttentionType, NDArray[]> tables = new EnumMap<>(AttentionType.class);
      for (AttentionType type : masks.keySet()) {
        tables.put(type, rotary.get(type).tables(scope, offset, seq));
      }
      NDArray hidden =
          inputIds
              .getNDArrayInternal()
              .embedding(inputIds, embeddings, SparseFormat.DENSE)
              .singletonOrThrow();
      hidden.attach(scope);
      if (hidden.getDataType() != DataType.FLOAT32) {
        hidden = hidden.toType(DataType.FLOAT32, false);
      }
      if (config.embeddingScale() != 1f) {
        hidden = NativeArrays.mul(hidden, config.embeddingScale());
      }
      for (DecoderLayer layer : layers) {
        // Each layer's intermediates die with its scope; only its output moves on.
        try (NDManager layerScope = scope.newSubManager()) {
          hidden.attach(layerScope);
          NDArray[] table = tables.get(layer.attentionType());
          NDArray next =
              layer.apply(hidden, masks.get(layer.attentionType()), table[0], table[1], cache);
          next.attach(scope);
          hidden = next;
        }
      }
      if (cache != null) {
        cache.advance(seq);
      }
      NDArray result = finalNorm.apply(hidden);
      if (withHead) {
        result = head(result);
      }
      result.attach(caller);
      return result;
    }
  }

  private Shape validate(NDArray inputIds, NDArray attentionMask) {
    Shape shape = inputIds.getShape();
    if (shape.dimension() != 2 || shape.get(0) == 0 || shape.get(1) == 0) {
      throw new IllegalArgumentException(
          "Cannot use input_ids of shape " + shape + ": must be [batch, seq], both nonzero");
    }
    DataType type = inputIds.getDataType();
    if (type != DataType.INT64 && type != DataType.INT32) {
      throw new IllegalArgumentException(
          "Cannot use input_ids of type " + type + ": must be INT64 or INT32");
    }
    if (attentionMask != null && !attentionMask.getShape().equals(shape)) {
      throw new IllegalArgumentException(
          "Cannot use an attention mask of shape "
              + attentionMask.getShape()
              + " with input_ids of shape "
              + shape);
    }
    try (NDManager scratch = inputIds.getManager().newSubManager()) {
      NDArray ids = inputIds.toType(DataType.INT64, true);
      ids.attach(scratch);
      long min = ids.min().getLong();
      long max = ids.max().getLong();
      if (min < 0 || max >= config.vocabSize()) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot use input_ids with values in [%d, %d]: vocab_size is %d",
                min, max, config.vocabSize()));
      }
    }
    return shape;
  }

  /**
   * Additive masks {@code [batch, 1, 1, seq, offset + seq]} per attention type present, for queries
   * at positions {@code offset..offset+seq-1} and keys at {@code 0..offset+seq-1}: 0 where query q
   * may attend key k (k ≤ q, k not padding, and on sliding layers k > q - window), otherwise the
   * most negative float, as transformers' masks are. Fully masked rows (padding past a window) then
   * give a uniform distribution rather than NaN, so no NaN reaches the real tokens.
   *
   * @param attentionMask {@code [batch, seq]} with offset 0; null for no padding
   */
  private Map<AttentionType, NDArray> masks(
      NDManager scope, NDArray attentionMask, int batch, int offset, int seq) {
    int keyCount = offset + seq;
    NDArray queries = scope.arange(offset, keyCount, 1, DataType.INT64).reshape(seq, 1);
    NDArray keys = scope.arange(0, keyCount, 1, DataType.INT64).reshape(1, keyCount);
    NDArray causal = keys.lte(queries);
    NDArray keep;
    if (attentionMask == null) {
      keep = scope.ones(new Shape(batch, 1, 1, 1, keyCount), DataType.BOOLEAN);
    } else {
      keep = attentionMask.neq(0);
      keep.attach(scope);
      keep = keep.reshape(batch, 1, 1, 1, keyCount);
    }
    Map<AttentionType, NDArray> masks = new EnumMap<>(AttentionType.class);
    for (DecoderLayer layer : layers) {
      AttentionType type = layer.attentionType();
      if (masks.containsKey(type)) {
        continue;
      }
      NDArray allowed = causal;
      if (type == AttentionType.SLIDING_ATTENTION) {
        allowed = allowed.logicalAnd(keys.gt(queries.sub(config.slidingWindow())));
      }
      NDArray additive =
          allowed
              .reshape(1, 1, 1, seq, keyCount)
              .logicalAnd(keep)
              .toType(DataType.FLOAT32, false)
              .sub(1f)
              .mul(Float.MAX_VALUE);
      masks.put(type, additive);
    }
    return masks;
  }

  /** Frees the weights. */
  @Override
  public void close() {
    weights.close();
  }

  @Override
  public String toString() {
    return String.format(
        "DecoderModel[%s, %d layers, hidden %d, vocab %d]",
        config.modelType().configName(),
        config.numHiddenLayers(),
        config.hiddenSize(),
        config.vocabSize());
  }

  /** Reads the tensors of a model under their Hugging Face names and checks their shapes. */
  private static final class WeightLoader {
    private final ModelConfig config;
    private final TensorReader tensors;
    private final NDManager weights;
    private final WeightPrecision precision;

    WeightLoader(
        ModelConfig config, TensorReader tensors, NDManager weights, WeightPrecision precision) {
      this.config = config;
      this.tensors = tensors;
      this.weights = weights;
      this.precision = precision;
    }

    DecoderModel build() {
      long hidden = config.hiddenSize();
      NDArray embeddings =
          matrix(tensor("model.embed_tokens.weight", new Shape(config.vocabSize(), hidden)));
      List<DecoderLayer> layers = new ArrayList<>();
      for (int i = 0; i < config.numHiddenLayers(); i++) {
        layers.add(layer(i));
      }
      RmsNorm finalNorm = norm("model.norm.weight", hidden);
      Projection lmHead =
          config.tieWordEmbeddings()
              ? new Projection("lm_head", embeddings, null, precision)
              : projection("lm_head", config.vocabSize(), hidden, false);
      return new DecoderModel(config, precision, weights, embeddings, layers, finalNorm, lmHead);
    }

    private DecoderLayer layer(int index) {
      String prefix = "model.layers." + index + ".";
      long hidden = config.hiddenSize();
      long queryWidth = (long) config.numAttentionHeads() * config.headDim();
      long kvWidth = (long) config.numKeyValueHeads() * config.headDim();
      long inner = config.intermediateSize();
      Projection q = projection(prefix + "self_attn.q_proj", queryWidth, hidden, config.qkvBias());
      Projection k = projection(prefix + "self_attn.k_proj", kvWidth, hidden, config.qkvBias());
      Projection v = projection(prefix + "self_attn.v_proj", kvWidth, hidden, config.qkvBias());
      Projection o =
          projection(prefix + "self_attn.o_proj", hidden, queryWidth, config.outputBias());
      Projection gate = projection(prefix + "mlp.gate_proj", inner, hidden, config.mlpBias());
      Projection up = projection(prefix + "mlp.up_proj", inner, hidden, config.mlpBias());
      Projection down = projection(prefix + "mlp.down_proj", hidden, inner, config.mlpBias());
      boolean qkNorm = config.modelType().hasQueryKeyNorm();
      Attention attention =
          new Attention(
              q,
              k,
              v,
              o,
              qkNorm ? norm(prefix + "self_attn.q_norm.weight", config.headDim()) : null,
              qkNorm ? norm(prefix + "self_attn.k_norm.weight", config.headDim()) : null,
              config);
      boolean gemma = config.modelType().isGemmaBlock();
      return new DecoderLayer(
          index,
          config.layerTypes().get(index),
          norm(prefix + "input_layernorm.weight", hidden),
          attention,
          norm(prefix + "post_attention_layernorm.weight", hidden),
          gemma ? norm(prefix + "pre_feedforward_layernorm.weight", hidden) : null,
          new FeedForward(gate, up, down, config.hiddenActivation()),
          gemma ? norm(prefix + "post_feedforward_layernorm.weight", hidden) : null,
          List.of(q, k, v, o, gate, up, down));
    }

    private Projection projection(String name, long out, long in, boolean bias) {
      return new Projection(
          name,
          matrix(tensor(name + ".weight", new Shape(out, in))),
          bias ? matrix(tensor(name + ".bias", new Shape(out))) : null,
          precision);
    }

    /**
     * A weight of a linear map or the embedding table in the model's precision: unchanged for
     * float32; for bfloat16 a bfloat16 array on a GPU, float32 bfloat16 values elsewhere.
     */
    private NDArray matrix(NDArray weight) {
      if (precision == WeightPrecision.FLOAT32) {
        return weight;
      }
      NDArray converted =
          weights.getDevice().isGpu()
              ? weight.toType(DataType.BFLOAT16, false)
              : roundedToBfloat16(weight);
      weight.close();
      return converted;
    }

    private RmsNorm norm(String name, long dim) {
      NDArray weight = tensor(name, new Shape(dim));
      if (precision == WeightPrecision.BFLOAT16) {
        // Base weights are bfloat16 values; norms keep computing in float32 with them.
        NDArray rounded = roundedToBfloat16(weight);
        weight.close();
        weight = rounded;
      }
      if (config.modelType().isGemmaBlock()) {
        NDArray scale = weight.add(1f);
        weight.close();
        weight = scale;
      }
      return new RmsNorm(weight, config.rmsNormEps());
    }

    private NDArray tensor(String name, Shape expected) {
      if (tensors.info(name).isEmpty()) {
        throw new ModelLoadException(
            String.format(
                "Cannot load %s model: tensor '%s' is missing from %s",
                config.modelType().configName(), name, tensors.locationOf(name)));
      }
      Shape actual = tensors.info(name).get().shape();
      if (!actual.equals(expected)) {
        throw new ModelLoadException(
            String.format(
                "Cannot load %s model: tensor '%s' in %s has shape %s, but config.json"
                    + " (hidden_size %d, num_attention_heads %d, num_key_value_heads %d, head_dim"
                    + " %d, intermediate_size %d, vocab_size %d) implies %s",
                config.modelType().configName(),
                name,
                tensors.locationOf(name),
                actual,
                config.hiddenSize(),
                config.numAttentionHeads(),
                config.numKeyValueHeads(),
                config.headDim(),
                config.intermediateSize(),
                config.vocabSize(),
                expected));
      }
      return tensors.read(name, weights, DataType.FLOAT32);
    }

    private NDArray roundedToBfloat16(NDArray weight) {
      try (NDManager scratch = weights.newSubManager()) {
        NDArray input = weight.duplicate();
        input.attach(scratch);
        NDArray rounded = Bfloat16Rounding.round(input);
        rounded.attach(weights);
        return rounded;
      }
    }
  }
}
