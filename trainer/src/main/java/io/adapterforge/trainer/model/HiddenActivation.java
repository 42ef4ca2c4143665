package io.adapterforge.trainer.model;

/** The activation of the gated MLP, {@code down(act(gate(x)) * up(x))}. */
public enum HiddenActivation implements ConfigName {
  /** {@code x * sigmoid(x)}: SwiGLU (Llama, Mistral, Qwen). */
  SILU("silu"),
  /** GELU with the tanh approximation (Gemma), as PyTorch's {@code gelu(approximate="tanh")}. */
  GELU_PYTORCH_TANH("gelu_pytorch_tanh");

  private final String configName;

  HiddenActivation(String configName) {
    this.configName = configName;
  }

  /** The name in {@code config.json}. */
  @Override
  public String configName() {
    return configName;
  }
}
