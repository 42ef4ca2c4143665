package io.adapterforge.trainer.model;

import java.util.Optional;

/** The {@code model_type} values of {@code config.json} that the trainer can load. */
public enum ModelType implements ConfigName {
  LLAMA("llama", false, false),
  MISTRAL("mistral", false, false),
  QWEN2("qwen2", false, false),
  QWEN3("qwen3", true, false),
  GEMMA3_TEXT("gemma3_text", true, true);

  private final String configName;
  private final boolean queryKeyNorm;
  private final boolean gemmaBlock;

  ModelType(String configName, boolean queryKeyNorm, boolean gemmaBlock) {
    this.configName = configName;
    this.queryKeyNorm = queryKeyNorm;
    this.gemmaBlock = gemmaBlock;
  }

  /** The name in {@code config.json}. */
  @Override
  public String configName() {
    return configName;
  }

  /**
   * Whether queries and keys get a per-head RMSNorm before RoPE ({@code q_norm}, {@code k_norm}).
   */
  public boolean hasQueryKeyNorm() {
    return queryKeyNorm;
  }

  /**
   * Whether this is a Gemma block: RMSNorm scales by {@code 1 + weight}, each sub-layer is wrapped
   * in a pre- and a post-norm (four norms per layer), and embeddings are scaled by √hidden_size.
   */
  public boolean isGemmaBlock() {
    return gemmaBlock;
  }

  /** The type of a {@code model_type} name. */
  public static Optional<ModelType> fromConfigName(String name) {
    return ConfigName.find(ModelType.class, name);
  }

  /** The supported names, sorted and comma-separated, for messages. */
  public static String supportedNames() {
    return ConfigName.all(ModelType.class);
  }
}
