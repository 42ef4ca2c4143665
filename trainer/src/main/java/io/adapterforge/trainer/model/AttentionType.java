package io.adapterforge.trainer.model;

/** How far back a layer attends: the {@code layer_types} values of {@code config.json}. */
public enum AttentionType implements ConfigName {
  /** Every earlier token (causal). */
  FULL_ATTENTION("full_attention"),
  /** The last {@code sliding_window} tokens including itself, with its own RoPE (Gemma 3). */
  SLIDING_ATTENTION("sliding_attention");

  private final String configName;

  AttentionType(String configName) {
    this.configName = configName;
  }

  /** The name in {@code config.json}. */
  @Override
  public String configName() {
    return configName;
  }
}
