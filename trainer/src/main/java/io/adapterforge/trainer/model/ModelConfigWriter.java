package io.adapterforge.trainer.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ModelConfig} as the {@code config.json} transformers' configuration class of its
 * family would save: standard field names, every field the parser derives the architecture from
 * written explicitly, so that {@link ModelConfigParser} reads back an equal record. Stateless.
 */
final class ModelConfigWriter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelConfigWriter() {}

  static String write(ModelConfig config, Map<String, ?> extra) {
    Map<String, Object> root = fields(config);
    for (Map.Entry<String, ?> entry : extra.entrySet()) {
      if (root.containsKey(entry.getKey())) {
        throw new IllegalArgumentException(
            "Cannot add field '"
                + entry.getKey()
                + "' to config.json: it describes the architecture and comes from the config");
      }
      root.put(entry.getKey(), entry.getValue());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot encode config.json: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> fields(ModelConfig config) {
    ModelType type = config.modelType();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("architectures", List.of(architecture(type)));
    root.put("model_type", type.configName());
    root.put("vocab_size", config.vocabSize());
    root.put("hidden_size", config.hiddenSize());
    root.put("intermediate_size", config.intermediateSize());
    root.put("num_hidden_layers", config.numHiddenLayers());
    root.put("num_attention_heads", config.numAttentionHeads());
    root.put("num_key_value_heads", config.numKeyValueHeads());
    root.put("head_dim", config.headDim());
    root.put("max_position_embeddings", config.maxPositionEmbeddings());
    root.put("rms_norm_eps", config.rmsNormEps());
    root.put(
        type.isGemmaBlock() ? "hidden_activation" : "hidden_act",
        config.hiddenActivation().configName());
    root.put("tie_word_embeddings", config.tieWordEmbeddings());
    boolean sliding = config.layerTypes().contains(AttentionType.SLIDING_ATTENTION);
    switch (type) {
      case LLAMA:
        require(!sliding, config, "layer_types", "Llama has no sliding layers");
        require(
            config.qkvBias() == config.outputBias(),
            config,
            "attention_bias",
            "Llama puts biases on all four attention projections or none");
        root.put("attention_bias", config.qkvBias());
        root.put("mlp_bias", config.mlpBias());
        putRope(root, config);
        break;
      case MISTRAL:
        boolean allSliding =
            config.layerTypes().stream().allMatch(t -> t == AttentionType.SLIDING_ATTENTION);
        require(
            allSliding || !sliding, config, "layer_types", "Mistral slides on every layer or none");
        root.put("sliding_window", sliding ? config.slidingWindow() : null);
        putRope(root, config);
        break;
      case QWEN2:
      case QWEN3:
        if (type == ModelType.QWEN3) {
          root.put("attention_bias", config.qkvBias());
        }
        root.put("use_sliding_window", sliding);
        root.put("sliding_window", sliding ? config.slidingWindow() : null);
        root.put("max_window_layers", firstSliding(config));
        root.put("layer_types", layerTypeNames(config));
        putRope(root, config);
        break;
      case GEMMA3_TEXT:
        root.put("attention_bias", config.qkvBias());
        root.put("query_pre_attn_scalar", queryPreAttnScalar(config.attentionScale()));
        root.put("sliding_window", sliding ? config.slidingWindow() : null);
        root.put("layer_types", layerTypeNames(config));
        root.put("rope_theta", config.fullAttentionRope().theta());
        RopeParameters local = config.slidingAttentionRope();
        require(
            local.type() == RopeType.DEFAULT,
            config,
            "rope_local_base_freq",
            "Gemma 3's sliding layers use unscaled RoPE");
        root.put("rope_local_base_freq", local.theta());
        root.put("rope_scaling", ropeScaling(config.fullAttentionRope()));
        root.put(
            "final_logit_softcapping",
            config.finalLogitSoftcapping().isPresent()
                ? config.finalLogitSoftcapping().getAsDouble()
                : null);
        root.put("attn_logit_softcapping", null);
        break;
      default:
        throw new IllegalStateException("Unknown model type " + type);
    }
    return root;
  }

  private static void putRope(Map<String, Object> root, ModelConfig config) {
    require(
        config.fullAttentionRope().equals(config.slidingAttentionRope()),
        config,
        "rope_scaling",
        config.modelType().configName() + " uses one RoPE for every layer");
    root.put("rope_theta", config.fullAttentionRope().theta());
    root.put("rope_scaling", ropeScaling(config.fullAttentionRope()));
  }

  private static Map<String, Object> ropeScaling(RopeParameters rope) {
    Map<String, Object> scaling = new LinkedHashMap<>();
    switch (rope.type()) {
      case DEFAULT:
        return null;
      case LINEAR:
        scaling.put("rope_type", rope.type().configName());
        scaling.put("factor", rope.factor());
        return scaling;
      case LLAMA3:
        scaling.put("rope_type", rope.type().configName());
        scaling.put("factor", rope.factor());
        scaling.put("low_freq_factor", rope.lowFreqFactor());
        scaling.put("high_freq_factor", rope.highFreqFactor());
        scaling.put("original_max_position_embeddings", rope.originalMaxPositionEmbeddings());
        return scaling;
      default:
        throw new IllegalStateException("Unknown rope type " + rope.type());
    }
  }

  private static List<String> layerTypeNames(ModelConfig config) {
    List<String> names = new ArrayList<>();
    config.layerTypes().forEach(type -> names.add(type.configName()));
    return names;
  }

  private static int firstSliding(ModelConfig config) {
    int first = config.layerTypes().indexOf(AttentionType.SLIDING_ATTENTION);
    return first < 0 ? config.numHiddenLayers() : first;
  }

  /** {@code attentionScale = query_pre_attn_scalar^-0.5}, recovered exactly for integers. */
  private static Number queryPreAttnScalar(double attentionScale) {
    double scalar = 1 / (attentionScale * attentionScale);
    long rounded = Math.round(scalar);
    if (Math.abs(scalar - rounded) < 1e-6 * Math.max(1, scalar)
        && Math.pow(rounded, -0.5) == attentionScale) {
      return rounded;
    }
    return scalar;
  }

  private static String architecture(ModelType type) {
    switch (type) {
      case LLAMA:
        return "LlamaForCausalLM";
      case MISTRAL:
        return "MistralForCausalLM";
      case QWEN2:
        return "Qwen2ForCausalLM";
      case QWEN3:
        return "Qwen3ForCausalLM";
      case GEMMA3_TEXT:
        return "Gemma3ForCausalLM";
      default:
        throw new IllegalStateException("Unknown model type " + type);
    }
  }

  private static void require(boolean condition, ModelConfig config, String field, String rule) {
    if (!condition) {
      throw new IllegalArgumentException(
          "Cannot write "
              + field
              + " of a "
              + config.modelType().configName()
              + " config.json: "
              + rule);
    }
  }
}
