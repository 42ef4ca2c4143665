package io.adapterforge.trainer.lora;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;

/**
 * One trainable array and its name.
 *
 * @param name the name it is saved under (for LoRA, PEFT's key, e.g. {@code
 *     base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight})
 * @param array the array autograd computes a gradient for ({@link NDArray#hasGradient()} is true);
 *     owned by the adapter
 */
public record TrainableParameter(String name, NDArray array) {
  public TrainableParameter {
    requireNonNull(name, "name is null");
    requireNonNull(array, "array is null");
  }
}
