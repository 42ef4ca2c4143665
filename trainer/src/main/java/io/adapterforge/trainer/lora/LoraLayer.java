package io.adapterforge.trainer.lora;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.adapterforge.trainer.CounterRandom;
import io.adapterforge.trainer.NativeArrays;
import io.adapterforge.trainer.model.ProjectionAdapter;

/**
 * The LoRA pair of one projection: {@code delta(x) = scale · (dropout(x)·Aᵀ)·Bᵀ}, with {@code A [r,
 * in]} and {@code B [out, r]} float32, as PEFT's {@code lora.Linear} computes it ({@code
 * lora_B(lora_A(dropout(x))) * scaling}).
 *
 * <p>While its {@link LoraAdapter} is training, the forward pass uses the arrays autograd tracks
 * and drops input elements with probability {@code dropout} (scaling the kept ones by {@code 1 / (1
 * - dropout)}); the dropout mask is a pure function of the adapter's dropout key and this layer's
 * ordinal ({@link CounterRandom}), so a forward pass can be replayed exactly. Otherwise the pass
 * uses detached views of the same memory (no autograd graph, no dropout).
 *
 * <p>Thread-safety: while not training, concurrent forward passes are safe; while training, the
 * adapter belongs to one training loop.
 */
public final class LoraLayer implements ProjectionAdapter {
  private static final String KEY_PREFIX = "base_model.model.";

  private final LoraAdapter owner;
  private final String projection;
  private final int ordinal;
  private final NDArray a;
  private final NDArray b;
  private final NDArray aView;
  private final NDArray bView;
  private final float scale;
  private final double dropout;

  LoraLayer(
      LoraAdapter owner,
      String projection,
      int ordinal,
      NDArray a,
      NDArray b,
      double scale,
      double dropout) {
    this.owner = requireNonNull(owner, "owner is null");
    this.projection = requireNonNull(projection, "projection is null");
    this.ordinal = ordinal;
    this.a = a;
    this.b = b;
    // Detached views share a and b's memory: the optimizer updates through them, and forward
    // passes outside training read through them without building an autograd graph.
    this.aView = a.stopGradient();
    this.bView = b.stopGradient();
    this.scale = (float) scale;
    this.dropout = dropout;
  }

  /**
   * The Hugging Face name of the adapted projection, e.g. {@code model.layers.0.self_attn.q_proj}.
   */
  public String projection() {
    return projection;
  }

  /**
   * The projection's index in {@link io.adapterforge.trainer.model.DecoderModel#projections()}:
   * what its dropout stream is keyed by.
   */
  public int ordinal() {
    return ordinal;
  }

  /** PEFT's key of A: {@code base_model.model.<projection>.lora_A.weight}. */
  public String keyA() {
    return KEY_PREFIX + projection + ".lora_A.weight";
  }

  /** PEFT's key of B: {@code base_model.model.<projection>.lora_B.weight}. */
  public String keyB() {
    return KEY_PREFIX + projection + ".lora_B.weight";
  }

  /** A, {@code [r, in_features]}, the array autograd tracks; owned by the adapter. */
  public NDArray a() {
    return a;
  }

  /** B, {@code [out_features, r]}, the array autograd tracks; owned by the adapter. */
  public NDArray b() {
    return b;
  }

  /** A detached view of A's memory (no gradient); owned by the adapter. */
  NDArray aView() {
    return aView;
  }

  /** A detached view of B's memory (no gradient); owned by the adapter. */
  NDArray bView() {
    return bView;
  }

  /** The factor on {@code B·A·x}. */
  public float scale() {
    return scale;
  }

  @Override
  public NDArray delta(NDArray input) {
    boolean training = owner.isTraining();
    NDArray x = input;
    if (training && dropout > 0) {
      x = input.mul(dropoutMask(input));
    }
    NDArray low = Linear.linear(x, training ? a : aView).singletonOrThrow();
    return NativeArrays.mul(Linear.linear(low, training ? b : bView).singletonOrThrow(), scale);
  }

  /**
   * {@code 0} where {@code uniform(key(dropoutKey, ordinal), i) < dropout} and {@code 1 / (1 -
   * dropout)} elsewhere, for element {@code i} of the input in row-major order; in the input's
   * manager.
   */
  private NDArray dropoutMask(NDArray input) {
    Shape shape = input.getShape();
    long size = shape.size();
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Cannot apply LoRA dropout to an input of shape " + shape + ": more than 2^31 elements");
    }
    long key = CounterRandom.key(owner.dropoutKey(), ordinal);
    float kept = (float) (1.0 / (1.0 - dropout));
    float[] mask = new float[(int) size];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = CounterRandom.uniform(key, i) < dropout ? 0f : kept;
    }
    // In libtorch's memory: the product with the input keeps the mask for the backward pass.
    return NativeArrays.copyOf(input.getManager(), mask, shape);
  }

  void close() {
    aView.close();
    bView.close();
  }

  @Override
  public String toString() {
    return "LoraLayer[" + projection + ", A" + a.getShape() + ", B" + b.getShape() + "]";
  }
}
