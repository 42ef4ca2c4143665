package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

import io.adapterforge.trainer.storage.StorageDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The architecture of a decoder-only model: the typed, validated content of a Hugging Face {@code
 * config.json}. Field names in messages are the {@code config.json} names. Immutable.
 *
 * <p>Architecture differences are resolved here, so the forward pass only reads fields: which
 * projections carry biases, the attention scale, the embedding scale, which layers slide and which
 * RoPE each kind of layer uses.
 *
 * @param modelType the family ({@code model_type})
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}, the MLP width
 * @param numHiddenLayers {@code num_hidden_layers}
 * @param numAttentionHeads {@code num_attention_heads}
 * @param numKeyValueHeads {@code num_key_value_heads}; divides the attention heads (grouped-query
 *     attention)
 * @param headDim {@code head_dim}, which may differ from hidden_size / num_attention_heads
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @param rmsNormEps {@code rms_norm_eps}
 * @param hiddenActivation the MLP activation ({@code hidden_act}, Gemma's {@code
 *     hidden_activation})
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param qkvBias whether q_proj, k_proj and v_proj have biases
 * @param outputBias whether o_proj has a bias
 * @param mlpBias whether gate_proj, up_proj and down_proj have biases
 * @param attentionScale the factor on query·key: {@code head_dim^-0.5}, or Gemma's {@code
 *     query_pre_attn_scalar^-0.5}
 * @param embeddingScale the factor on embeddings: 1, or √hidden_size rounded to float for Gemma
 * @param slidingWindow the window of sliding layers in tokens (including the current one); 0 when
 *     no layer slides
 * @param layerTypes the attention type of each layer
 * @param fullAttentionRope RoPE of full-attention layers
 * @param slidingAttentionRope RoPE of sliding layers (Gemma 3: {@code rope_local_base_freq};
 *     elsewhere the same as full layers)
 * @param finalLogitSoftcapping if present, logits become {@code cap * tanh(logits / cap)}
 */
public record ModelConfig(
    ModelType modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int maxPositionEmbeddings,
    double rmsNormEps,
    HiddenActivation hiddenActivation,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    double attentionScale,
    float embeddingScale,
    int slidingWindow,
    List<AttentionType> layerTypes,
    RopeParameters fullAttentionRope,
    RopeParameters slidingAttentionRope,
    OptionalDouble finalLogitSoftcapping) {

  /** The file a model folder describes its architecture in. */
  public static final String FILE_NAME = "config.json";

  public ModelConfig {
    requireNonNull(modelType, "modelType is null");
    requireNonNull(hiddenActivation, "hiddenActivation is null");
    requireNonNull(layerTypes, "layerTypes is null");
    requireNonNull(fullAttentionRope, "fullAttentionRope is null");
    requireNonNull(slidingAttentionRope, "slidingAttentionRope is null");
    requireNonNull(finalLogitSoftcapping, "finalLogitSoftcapping is null");
    positive("vocab_size", vocabSize);
    positive("hidden_size", hiddenSize);
    positive("intermediate_size", intermediateSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("max_position_embeddings", maxPositionEmbeddings);
    check(
        numAttentionHeads % numKeyValueHeads == 0,
        "num_key_value_heads",
        numKeyValueHeads,
        "must divide num_attention_heads " + numAttentionHeads);
    check(headDim > 0 && headDim % 2 == 0, "head_dim", headDim, "must be positive and even");
    check(rmsNormEps > 0, "rms_norm_eps", rmsNormEps, "must be positive");
    check(attentionScale > 0, "attention scale", attentionScale, "must be positive");
    check(embeddingScale > 0, "embedding scale", embeddingScale, "must be positive");
    check(
        layerTypes.size() == numHiddenLayers,
        "layer_types",
        layerTypes.size() + " entries",
        "must have num_hidden_layers " + numHiddenLayers + " entries");
    boolean sliding = layerTypes.contains(AttentionType.SLIDING_ATTENTION);
    check(
        sliding ? slidingWindow > 0 : slidingWindow == 0,
        "sliding_window",
        slidingWindow,
        sliding ? "must be positive when a layer slides" : "must be 0 when no layer slides");
    finalLogitSoftcapping.ifPresent(
        cap -> check(cap > 0, "final_logit_softcapping", cap, "must be positive"));
    layerTypes = List.copyOf(layerTypes);
  }

  /**
   * Reads {@code config.json} from a model folder.
   *
   * @throws io.adapterforge.trainer.ModelLoadException naming the file, field and value when the
   *     file is missing, malformed, or describes something the trainer does not support
   */
  public static ModelConfig load(StorageDirectory directory) {
    requireNonNull(directory, "directory is null");
    return ModelConfigParser.parse(
        directory.readSmallFile(FILE_NAME, ModelConfigParser.MAX_CONFIG_BYTES),
        directory.locationOf(FILE_NAME));
  }

  /** Reads {@code config.json} from a local model folder. */
  public static ModelConfig load(Path directory) {
    return load(StorageDirectory.local(directory));
  }

  /**
   * Parses the text of a {@code config.json}; {@code location} names it in messages.
   *
   * @throws io.adapterforge.trainer.ModelLoadException as {@link #load(StorageDirectory)}
   */
  public static ModelConfig parse(String json, String location) {
    return ModelConfigParser.parse(
        requireNonNull(json, "json is null").getBytes(StandardCharsets.UTF_8),
        requireNonNull(location, "location is null"));
  }

  /**
   * This config as the {@code config.json} of its family, with transformers' field names (for
   * example {@code architectures}, {@code rope_scaling}, {@code layer_types}); {@link #parse} reads
   * it back to an equal record.
   *
   * @throws IllegalArgumentException if the family's config.json cannot express this record (a
   *     Llama with sliding layers, say), naming the field
   */
  public String toJson() {
    return toJson(Map.of());
  }

  /**
   * As {@link #toJson()}, with {@code extra} fields appended (token ids, {@code torch_dtype},
   * {@code initializer_range}, …); values are written as Jackson writes them.
   *
   * @throws IllegalArgumentException if an extra field is one this config writes
   */
  public String toJson(Map<String, ?> extra) {
    return ModelConfigWriter.write(this, requireNonNull(extra, "extra is null"));
  }

  /** The number of query heads that share each key/value head. */
  public int queryGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** The RoPE parameters of a kind of layer. */
  public RopeParameters rope(AttentionType type) {
    return type == AttentionType.SLIDING_ATTENTION ? slidingAttentionRope : fullAttentionRope;
  }

  private static void positive(String field, int value) {
    check(value > 0, field, value, "must be positive");
  }

  private static void check(boolean condition, String field, Object value, String rule) {
    if (!condition) {
      throw new IllegalArgumentException("Cannot use " + field + " " + value + ": " + rule);
    }
  }
}
