package io.adapterforge.trainer.model;

/** The RoPE variants ({@code rope_type}) of transformers' {@code modeling_rope_utils} supported. */
public enum RopeType implements ConfigName {
  /** {@code 1 / theta^(2i/d)}. */
  DEFAULT("default"),
  /** The default frequencies divided by {@code factor} (position interpolation). */
  LINEAR("linear"),
  /** Llama 3.1's wavelength-banded scaling. */
  LLAMA3("llama3");

  private final String configName;

  RopeType(String configName) {
    this.configName = configName;
  }

  /** The name in {@code config.json}. */
  @Override
  public String configName() {
    return configName;
  }
}
