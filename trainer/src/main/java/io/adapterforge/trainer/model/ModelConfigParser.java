package io.adapterforge.trainer.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.ModelLoadException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Turns {@code config.json} into a {@link ModelConfig} the way transformers' configuration classes
 * read it: the same field names, the same defaults for absent fields, the same derivations (head
 * dimension, layer types, per-layer RoPE). Fields that change the computation in ways the trainer
 * does not implement are refused with the field and value; fields that do not affect the forward
 * pass (token ids, dtype, cache settings, …) are ignored, as transformers ignores them.
 */
final class ModelConfigParser {
  static final int MAX_CONFIG_BYTES = 16 << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final JsonNode root;
  private final String location;

  private ModelConfigParser(JsonNode root, String location) {
    this.root = root;
    this.location = location;
  }

  static ModelConfig parse(byte[] json, String location) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new ModelLoadException(
          "Cannot parse " + location + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException("Cannot parse " + location + ": not a JSON object");
    }
    return new ModelConfigParser(root, location).parse();
  }

  private ModelConfig parse() {
    String typeName = requiredString("model_type");
    ModelType type =
        ModelType.fromConfigName(typeName)
            .orElseThrow(
                () ->
                    unsupported(
                        "model_type", typeName, "supported are " + ModelType.supportedNames()));
    if (present("quantization_config")) {
      throw unsupported(
          "quantization_config",
          root.get("quantization_config"),
          "quantized weights cannot be trained");
    }
    boolean gemma = type == ModelType.GEMMA3_TEXT;
    if (gemma && bool("use_bidirectional_attention", false)) {
      throw unsupported(
          "use_bidirectional_attention", true, "only causal attention is implemented");
    }
    double partialRotary = number("partial_rotary_factor", 1.0);
    if (partialRotary != 1.0) {
      throw unsupported("partial_rotary_factor", partialRotary, "RoPE is applied to whole heads");
    }

    int hidden = requiredInt("hidden_size");
    int heads = requiredInt("num_attention_heads");
    int layers = requiredInt("num_hidden_layers");
    // Llama defaults to multi-head attention; the other configuration classes have defaults
    // sized for one published model, so an absent value is refused rather than guessed.
    int kvHeads =
        type == ModelType.LLAMA
            ? integer("num_key_value_heads", heads)
            : requiredInt("num_key_value_heads");
    int headDim;
    switch (type) {
      case QWEN3:
        headDim = integer("head_dim", 128);
        break;
      case GEMMA3_TEXT:
        headDim = integer("head_dim", 256);
        break;
      default:
        headDim = integer("head_dim", heads > 0 ? hidden / heads : 0);
    }
    int maxPositions = integer("max_position_embeddings", defaultMaxPositions(type));

    HiddenActivation activation =
        activation(
            gemma ? "hidden_activation" : "hidden_act",
            gemma ? HiddenActivation.GELU_PYTORCH_TANH : HiddenActivation.SILU,
            gemma);

    boolean attentionBias = bool("attention_bias", false);
    boolean qkvBias;
    boolean outputBias;
    switch (type) {
      case MISTRAL:
        qkvBias = false;
        outputBias = false;
        break;
      case QWEN2:
        // Qwen2Attention: q/k/v always have biases, o_proj never does.
        qkvBias = true;
        outputBias = false;
        break;
      default:
        qkvBias = attentionBias;
        outputBias = attentionBias;
    }
    boolean mlpBias = type == ModelType.LLAMA && bool("mlp_bias", false);

    List<AttentionType> layerTypes = layerTypes(type, layers);
    boolean anySliding = layerTypes.contains(AttentionType.SLIDING_ATTENTION);
    int slidingWindow = anySliding ? requiredWindow(type) : 0;

    RopeParameters fullRope;
    RopeParameters slidingRope;
    if (gemma) {
      fullRope = gemmaRope("full_attention", "rope_theta", 1_000_000.0, true, maxPositions);
      slidingRope =
          gemmaRope("sliding_attention", "rope_local_base_freq", 10_000.0, false, maxPositions);
    } else {
      fullRope = rope(maxPositions);
      slidingRope = fullRope;
    }

    double attentionScale =
        gemma ? Math.pow(number("query_pre_attn_scalar", 256), -0.5) : Math.pow(headDim, -0.5);
    // Gemma3TextScaledWordEmbedding keeps sqrt(hidden_size) as a float32 tensor.
    float embeddingScale = gemma ? (float) Math.sqrt(hidden) : 1f;
    OptionalDouble softcap = OptionalDouble.empty();
    if (gemma && present("final_logit_softcapping")) {
      softcap = OptionalDouble.of(number("final_logit_softcapping", 0));
    }
    // attn_logit_softcapping is read by Gemma3TextConfig but transformers' Gemma 3 attention never
    // applies it (unlike Gemma 2's), so it is ignored here too.

    try {
      return new ModelConfig(
          type,
          requiredInt("vocab_size"),
          hidden,
          requiredInt("intermediate_size"),
          layers,
          heads,
          kvHeads,
          headDim,
          maxPositions,
          number("rms_norm_eps", 1e-6),
          activation,
          bool("tie_word_embeddings", gemma),
          qkvBias,
          outputBias,
          mlpBias,
          attentionScale,
          embeddingScale,
          slidingWindow,
          layerTypes,
          fullRope,
          slidingRope,
          softcap);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(e.getMessage() + " (in " + location + ")", e);
    }
  }

  private static int defaultMaxPositions(ModelType type) {
    switch (type) {
      case LLAMA:
        return 2048;
      case QWEN2:
      case QWEN3:
        return 32768;
      default:
        return 131072;
    }
  }

  private HiddenActivation activation(String field, HiddenActivation fallback, boolean gemma) {
    if (!present(field)) {
      return fallback;
    }
    String name = requiredString(field);
    HiddenActivation activation =
        ConfigName.find(HiddenActivation.class, name)
            .filter(found -> found == fallback)
            .orElseThrow(
                () ->
                    unsupported(
                        field,
                        name,
                        (gemma ? "Gemma 3 uses " : "this family uses ") + fallback.configName()));
    return activation;
  }

  private List<AttentionType> layerTypes(ModelType type, int layers) {
    List<AttentionType> types = new ArrayList<>();
    if (present("layer_types")) {
      JsonNode node = root.get("layer_types");
      if (!node.isArray()) {
        throw invalid("layer_types", node, "must be an array of layer type names");
      }
      for (JsonNode entry : node) {
        String name = entry.isTextual() ? entry.textValue() : entry.toString();
        types.add(
            ConfigName.find(AttentionType.class, name)
                .orElseThrow(
                    () ->
                        unsupported(
                            "layer_types",
                            name,
                            "supported are " + ConfigName.all(AttentionType.class))));
      }
      if (types.size() != layers) {
        throw invalid(
            "layer_types", types.size() + " entries", "must have num_hidden_layers " + layers);
      }
      return types;
    }
    for (int i = 0; i < layers; i++) {
      types.add(AttentionType.FULL_ATTENTION);
    }
    switch (type) {
      case GEMMA3_TEXT:
        int pattern = integer("sliding_window_pattern", 6);
        if (pattern <= 0) {
          throw invalid("sliding_window_pattern", pattern, "must be positive");
        }
        for (int i = 0; i < layers; i++) {
          if ((i + 1) % pattern != 0) {
            types.set(i, AttentionType.SLIDING_ATTENTION);
          }
        }
        break;
      case QWEN2:
      case QWEN3:
        if (bool("use_sliding_window", false)) {
          int firstSliding = integer("max_window_layers", 28);
          for (int i = Math.max(0, firstSliding); i < layers; i++) {
            types.set(i, AttentionType.SLIDING_ATTENTION);
          }
        }
        break;
      case MISTRAL:
        // MistralConfig defaults sliding_window to 4096; an explicit null turns it off.
        if (!root.has("sliding_window") || !root.get("sliding_window").isNull()) {
          for (int i = 0; i < layers; i++) {
            types.set(i, AttentionType.SLIDING_ATTENTION);
          }
        }
        break;
      default:
        break;
    }
    return types;
  }

  private int requiredWindow(ModelType type) {
    if (type == ModelType.MISTRAL || type == ModelType.GEMMA3_TEXT) {
      return integer("sliding_window", 4096);
    }
    if (!present("sliding_window")) {
      throw invalid("sliding_window", null, "must be set when a layer uses sliding attention");
    }
    return requiredInt("sliding_window");
  }

  /**
   * Llama, Mistral, Qwen: {@code rope_parameters}, else {@code rope_theta} + {@code rope_scaling}.
   */
  private RopeParameters rope(int maxPositions) {
    double theta = number("rope_theta", 10_000.0);
    if (present("rope_parameters")) {
      return ropeObject("rope_parameters", root.get("rope_parameters"), theta, maxPositions);
    }
    if (present("rope_scaling")) {
      return ropeObject("rope_scaling", root.get("rope_scaling"), theta, maxPositions);
    }
    return RopeParameters.unscaled(theta);
  }

  /**
   * Gemma 3: per layer type, {@code rope_parameters.<type>} if present; else the flat fields, where
   * {@code rope_scaling} applies to global (full-attention) layers only.
   */
  private RopeParameters gemmaRope(
      String layerType, String thetaField, double defaultTheta, boolean scaled, int maxPositions) {
    double theta = number(thetaField, defaultTheta);
    if (present("rope_parameters")) {
      JsonNode parameters = root.get("rope_parameters");
      JsonNode perType = parameters.get(layerType);
      if (perType == null || perType.isNull()) {
        throw invalid(
            "rope_parameters", parameters, "must have an entry for '" + layerType + "' layers");
      }
      return ropeObject("rope_parameters." + layerType, perType, theta, maxPositions);
    }
    if (scaled && present("rope_scaling")) {
      return ropeObject("rope_scaling", root.get("rope_scaling"), theta, maxPositions);
    }
    return RopeParameters.unscaled(theta);
  }

  private RopeParameters ropeObject(String field, JsonNode node, double theta, int maxPositions) {
    if (!node.isObject()) {
      throw invalid(field, node, "must be an object");
    }
    JsonNode typeNode = node.has("rope_type") ? node.get("rope_type") : node.get("type");
    String typeName = typeNode == null || typeNode.isNull() ? "default" : typeNode.asText();
    RopeType type =
        ConfigName.find(RopeType.class, typeName)
            .orElseThrow(
                () ->
                    unsupported(
                        field + ".rope_type",
                        typeName,
                        "supported are " + ConfigName.all(RopeType.class)));
    double ropeTheta = nestedNumber(field, node, "rope_theta", theta);
    if (nestedNumber(field, node, "partial_rotary_factor", 1.0) != 1.0) {
      throw unsupported(
          field + ".partial_rotary_factor",
          node.get("partial_rotary_factor"),
          "RoPE is applied to whole heads");
    }
    try {
      switch (type) {
        case LINEAR:
          return new RopeParameters(
              type, ropeTheta, requiredNestedNumber(field, node, "factor"), 0, 0, 0);
        case LLAMA3:
          return new RopeParameters(
              type,
              ropeTheta,
              requiredNestedNumber(field, node, "factor"),
              requiredNestedNumber(field, node, "low_freq_factor"),
              requiredNestedNumber(field, node, "high_freq_factor"),
              (int) nestedNumber(field, node, "original_max_position_embeddings", maxPositions));
        default:
          return RopeParameters.unscaled(ropeTheta);
      }
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          "Cannot use " + field + " " + node + " in " + location + ": " + e.getMessage(), e);
    }
  }

  private double nestedNumber(String field, JsonNode node, String key, double fallback) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw invalid(field + "." + key, value, "must be a number");
    }
    return value.doubleValue();
  }

  private double requiredNestedNumber(String field, JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw invalid(field + "." + key, null, "is required for this rope type");
    }
    return nestedNumber(field, node, key, 0);
  }

  private boolean present(String field) {
    JsonNode value = root.get(field);
    return value != null && !value.isNull();
  }

  private String requiredString(String field) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new ModelLoadException("Cannot load " + location + ": it has no " + field);
    }
    if (!value.isTextual()) {
      throw invalid(field, value, "must be a string");
    }
    return value.textValue();
  }

  private int requiredInt(String field) {
    if (!present(field)) {
      throw new ModelLoadException("Cannot load " + location + ": it has no " + field);
    }
    return integer(field, 0);
  }

  private int integer(String field, int fallback) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw invalid(field, value, "must be an integer");
    }
    return value.intValue();
  }

  private double number(String field, double fallback) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw invalid(field, value, "must be a number");
    }
    return value.doubleValue();
  }

  private boolean bool(String field, boolean fallback) {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw invalid(field, value, "must be true or false");
    }
    return value.booleanValue();
  }

  private ModelLoadException invalid(String field, Object value, String rule) {
    return new ModelLoadException(
        String.format("Cannot use %s %s in %s: %s", field, quote(value), location, rule));
  }

  private ModelLoadException unsupported(String field, Object value, String reason) {
    return new ModelLoadException(
        String.format(
            "Cannot load %s: %s %s is not supported (%s)", location, field, quote(value), reason));
  }

  private static String quote(Object value) {
    return value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }
}
