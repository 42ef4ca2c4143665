package io.adapterforge.trainer;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/**
 * The fixtures {@code src/test/python/make_reference_models.py} generates: tiny Hugging Face model
 * folders, the logits its PyTorch reference computes for them, and a safetensors file written in
 * Python.
 */
public final class ReferenceModels {
  /** Every architecture with a reference folder. */
  public static final List<String> ARCHITECTURES =
      List.of("llama", "qwen3", "gemma3_text", "qwen2", "mistral");

  private ReferenceModels() {}

  /** The folder holding every fixture. */
  public static Path root() {
    URL url = ReferenceModels.class.getResource("/io/adapterforge/trainer/reference");
    if (url == null) {
      throw new IllegalStateException("The reference fixtures are not on the test classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The model folder of an architecture. */
  public static Path model(String architecture) {
    return root().resolve(architecture);
  }

  /**
   * The LoRA training reference of an architecture ({@code
   * src/test/python/make_reference_training.py}): {@code settings.json} (settings, rows,
   * micro-batch plan, expected losses, learning rates and gradient norms) and safetensors files of
   * initial, final and gradient-check weights, gradients and AdamW moments.
   */
  public static Path loraTraining(String architecture) {
    return root().resolve("lora_" + architecture);
  }

  /** Input ids, attention mask, logits and inverse RoPE frequencies of the reference. */
  public static Path expected(String architecture) {
    return root().resolve(architecture + ".expected.safetensors");
  }
}
