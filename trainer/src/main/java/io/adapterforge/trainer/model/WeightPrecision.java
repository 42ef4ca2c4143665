package io.adapterforge.trainer.model;

/**
 * How a {@link DecoderModel} holds its frozen base weights and computes its linear maps.
 * Activations between the linear maps (norms, attention softmax, residual stream), LoRA weights,
 * optimizer state and the loss are float32 either way.
 */
public enum WeightPrecision {
  /** float32 weights and float32 matrix products: the reference numbers. */
  FLOAT32,
  /**
   * bfloat16 base weights, as mixed-precision LoRA training holds them on a GPU: each projection
   * (and the embedding table and LM head) is stored in bfloat16, its input is cast to bfloat16, the
   * product accumulates in float32 and is returned as bfloat16 widened to float32.
   *
   * <p>On a GPU device the weights are real bfloat16 arrays (half the memory). On the CPU, DJL
   * 0.36's PyTorch engine aborts the JVM on any bfloat16 array, so the CPU path <em>simulates</em>
   * this precision in float32: weights, projection inputs and projection outputs are rounded to the
   * nearest bfloat16 value (Veltkamp splitting; exact halfway cases may round the other way than
   * PyTorch's ties-to-even) and the products of those values are accumulated in float32, as a GPU
   * bfloat16 GEMM accumulates them. The simulation is what the CPU test suite checks (against
   * {@link #FLOAT32} with a loose tolerance); the GPU path itself is only exercised on a GPU host.
   */
  BFLOAT16
}
