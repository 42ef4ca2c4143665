package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.adapterforge.trainer.CounterRandom;
import io.adapterforge.trainer.safetensors.SafetensorsCheckpoint;
import io.adapterforge.trainer.safetensors.SafetensorsWriter;
import io.adapterforge.trainer.storage.StagingDirectory;
import io.adapterforge.trainer.storage.StorageDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes a Hugging Face model folder with random weights: the small base models tests and the demo
 * train on ({@code adapterforge make-base-model}).
 *
 * <p>{@link #config} fills in what the command line does not give with the defaults of
 * transformers' configuration class of the family (RoPE base, norm epsilon, sliding window, …), by
 * parsing a minimal {@code config.json} exactly as a loaded model would be parsed; for Gemma 3
 * {@code query_pre_attn_scalar} is the head dimension, as in the published models. {@link #write}
 * initializes as transformers' {@code _init_weights} does: linear and embedding weights normal with
 * mean 0 and standard deviation {@code initializer_range} (0.02 unless given), the padding token's
 * embedding row zero, biases zero, RMSNorm weights one (zero for Gemma, whose norms scale by {@code
 * 1 + w}). Each tensor's numbers come from its own {@link SplittableRandom} keyed by the seed and
 * the tensor's name, so they do not depend on which other tensors exist. Stateless.
 */
public final class RandomBaseModel {
  /** {@code initializer_range} of every family's configuration class. */
  public static final double DEFAULT_INITIALIZER_RANGE = 0.02;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RandomBaseModel() {}

  /**
   * The architecture of a new model.
   *
   * @param headDim 0 for {@code hiddenSize / heads}
   * @param maxPositionEmbeddings 0 for the family's default
   * @param tieWordEmbeddings null for the family's default (tied for Gemma, untied otherwise)
   * @throws io.adapterforge.trainer.ModelLoadException naming the field of an invalid value
   */
  public static ModelConfig config(
      ModelType type,
      int vocabSize,
      int hiddenSize,
      int layers,
      int heads,
      int kvHeads,
      int intermediateSize,
      int headDim,
      int maxPositionEmbeddings,
      Boolean tieWordEmbeddings) {
    requireNonNull(type, "type is null");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("model_type", type.configName());
    fields.put("vocab_size", vocabSize);
    fields.put("hidden_size", hiddenSize);
    fields.put("num_hidden_layers", layers);
    fields.put("num_attention_heads", heads);
    fields.put("num_key_value_heads", kvHeads);
    fields.put("intermediate_size", intermediateSize);
    int dim = headDim > 0 ? headDim : heads > 0 ? hiddenSize / heads : 0;
    fields.put("head_dim", dim);
    if (maxPositionEmbeddings > 0) {
      fields.put("max_position_embeddings", maxPositionEmbeddings);
    }
    if (tieWordEmbeddings != null) {
      fields.put("tie_word_embeddings", tieWordEmbeddings);
    }
    if (type == ModelType.GEMMA3_TEXT) {
      fields.put("query_pre_attn_scalar", dim);
    }
    try {
      return ModelConfig.parse(JSON.writeValueAsString(fields), "the new model's config.json");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * As {@link #write(ModelConfig, long, double, TokenizerFiles, Path, NDManager)} with
   * transformers' {@code initializer_range} 0.02.
   */
  public static void write(
      ModelConfig config, long seed, TokenizerFiles tokenizer, Path output, NDManager manager) {
    write(config, seed, DEFAULT_INITIALIZER_RANGE, tokenizer, output, manager);
  }

  /**
   * Writes {@code config.json}, {@code model.safetensors} (float32) and the tokenizer files into a
   * new folder {@code output}, atomically (written beside it, then renamed).
   *
   * <p>With the final norm and the LM head frozen, a LoRA adapter can move a logit by at most about
   * {@code hidden_size · initializerRange} (the normalized hidden state has norm √hidden_size, an
   * embedding row about {@code initializerRange·√hidden_size}); with transformers' 0.02 and a small
   * hidden size that is too little for training to drive the loss far below {@code ln(vocab_size)}.
   * Models meant to be trained to low loss need {@code hidden_size · initializerRange} of 10 or
   * more.
   *
   * @param initializerRange the standard deviation of linear and embedding weights, written as
   *     {@code initializer_range}
   * @param tokenizer the tokenizer whose files are copied and whose special token ids go into
   *     {@code config.json}; its vocabulary must fit {@code config.vocabSize()}
   * @param manager parent of the scratch manager the weights are built in
   * @throws IllegalArgumentException if a tensor would exceed 2^31 elements or the vocabulary does
   *     not fit
   * @throws io.adapterforge.trainer.TrainingException if the folder cannot be written, or {@code
   *     output} exists and is not an empty folder
   */
  public static void write(
      ModelConfig config,
      long seed,
      double initializerRange,
      TokenizerFiles tokenizer,
      Path output,
      NDManager manager) {
    requireNonNull(config, "config is null");
    if (!(initializerRange > 0) || !Double.isFinite(initializerRange)) {
      throw new IllegalArgumentException(
          "Cannot use initializer_range " + initializerRange + ": must be positive");
    }
    requireNonNull(tokenizer, "tokenizer is null");
    requireNonNull(output, "output is null");
    requireNonNull(manager, "manager is null");
    if (tokenizer.vocabSize() > config.vocabSize()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot use vocab_size %d with the tokenizer in %s: it has ids up to %d",
              config.vocabSize(), tokenizer.directory(), tokenizer.vocabSize() - 1));
    }
    Map<String, Object> extra = new LinkedHashMap<>(tokenizer.configFields());
    extra.put("initializer_range", initializerRange);
    extra.put("torch_dtype", "float32");
    String configJson = config.toJson(extra);
    try (StagingDirectory staging = StagingDirectory.beside(output);
        NDManager scratch = manager.newSubManager()) {
      staging.write(ModelConfig.FILE_NAME, configJson.getBytes(StandardCharsets.UTF_8));
      SafetensorsWriter writer = new SafetensorsWriter();
      int padRow = tokenizer.padTokenId().orElse(-1);
      for (Map.Entry<String, Shape> tensor : shapes(config).entrySet()) {
        float[] values =
            values(tensor.getKey(), tensor.getValue(), config, seed, initializerRange, padRow);
        writer.put(tensor.getKey(), scratch.create(values, tensor.getValue()));
      }
      writer.write(staging.path().resolve(SafetensorsCheckpoint.SINGLE_FILE));
      StorageDirectory source = StorageDirectory.local(tokenizer.directory());
      for (String name : TokenizerFiles.REQUIRED) {
        staging.copy(source, name);
      }
      for (String name : TokenizerFiles.OPTIONAL) {
        if (Files.isRegularFile(tokenizer.directory().resolve(name))) {
          staging.copy(source, name);
        }
      }
      staging.commit(false);
    }
  }

  /** Every tensor the model loads, by Hugging Face name, with its shape. */
  static Map<String, Shape> shapes(ModelConfig config) {
    Map<String, Shape> shapes = new TreeMap<>();
    long hidden = config.hiddenSize();
    long queryWidth = (long) config.numAttentionHeads() * config.headDim();
    long kvWidth = (long) config.numKeyValueHeads() * config.headDim();
    long inner = config.intermediateSize();
    shapes.put("model.embed_tokens.weight", new Shape(config.vocabSize(), hidden));
    shapes.put("model.norm.weight", new Shape(hidden));
    if (!config.tieWordEmbeddings()) {
      shapes.put("lm_head.weight", new Shape(config.vocabSize(), hidden));
    }
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      linear(shapes, p + "self_attn.q_proj", queryWidth, hidden, config.qkvBias());
      linear(shapes, p + "self_attn.k_proj", kvWidth, hidden, config.qkvBias());
      linear(shapes, p + "self_attn.v_proj", kvWidth, hidden, config.qkvBias());
      linear(shapes, p + "self_attn.o_proj", hidden, queryWidth, config.outputBias());
      linear(shapes, p + "mlp.gate_proj", inner, hidden, config.mlpBias());
      linear(shapes, p + "mlp.up_proj", inner, hidden, config.mlpBias());
      linear(shapes, p + "mlp.down_proj", hidden, inner, config.mlpBias());
      shapes.put(p + "input_layernorm.weight", new Shape(hidden));
      shapes.put(p + "post_attention_layernorm.weight", new Shape(hidden));
      if (config.modelType().hasQueryKeyNorm()) {
        shapes.put(p + "self_attn.q_norm.weight", new Shape(config.headDim()));
        shapes.put(p + "self_attn.k_norm.weight", new Shape(config.headDim()));
      }
      if (config.modelType().isGemmaBlock()) {
        shapes.put(p + "pre_feedforward_layernorm.weight", new Shape(hidden));
        shapes.put(p + "post_feedforward_layernorm.weight", new Shape(hidden));
      }
    }
    return shapes;
  }

  private static void linear(
      Map<String, Shape> shapes, String name, long out, long in, boolean bias) {
    shapes.put(name + ".weight", new Shape(out, in));
    if (bias) {
      shapes.put(name + ".bias", new Shape(out));
    }
  }

  private static float[] values(
      String name, Shape shape, ModelConfig config, long seed, double std, int padRow) {
    long size = shape.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Cannot make tensor '" + name + "' of shape " + shape + ": more than 2^31 elements");
    }
    float[] values = new float[(int) size];
    if (name.endsWith("norm.weight")) {
      Arrays.fill(values, config.modelType().isGemmaBlock() ? 0f : 1f);
      return values;
    }
    if (name.endsWith(".bias")) {
      return values;
    }
    SplittableRandom random = new SplittableRandom(CounterRandom.key(seed, name.hashCode()));
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    if (name.equals("model.embed_tokens.weight") && padRow >= 0) {
      long width = shape.get(1);
      Arrays.fill(values, (int) (padRow * width), (int) ((padRow + 1) * width), 0f);
    }
    return values;
  }
}
