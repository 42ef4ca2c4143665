package io.adapterforge.trainer.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;
import java.util.Optional;

/**
 * One linear map of the model, {@code y = x·Wᵀ + b}, with frozen weights loaded under its Hugging
 * Face name and an optional {@link ProjectionAdapter} whose output is added: the single place where
 * LoRA attaches to the attention ({@code q_proj k_proj v_proj o_proj}) and MLP ({@code gate_proj
 * up_proj down_proj}) projections.
 *
 * <p>With {@link WeightPrecision#BFLOAT16} the frozen product is computed as that constant
 * describes (bfloat16 weights, input and output); the adapter always sees the float32 input and
 * computes in float32.
 *
 * <p>Weights are never modified. The adapter reference is volatile: setting it is visible to later
 * forward passes on any thread, but swapping it while a forward pass runs gives that pass either
 * adapter. Otherwise thread-safe.
 */
public final class Projection {
  private final String name;
  private final NDArray weight;
  private final NDArray bias;
  private final WeightPrecision precision;
  private volatile ProjectionAdapter adapter;

  Projection(String name, NDArray weight, NDArray bias) {
    this(name, weight, bias, WeightPrecision.FLOAT32);
  }

  /**
   * @param weight float32, or for {@link WeightPrecision#BFLOAT16} either a bfloat16 array (GPU) or
   *     a float32 array of bfloat16 values (CPU simulation)
   */
  Projection(String name, NDArray weight, NDArray bias, WeightPrecision precision) {
    this.name = requireNonNull(name, "name is null");
    this.weight = requireNonNull(weight, "weight is null");
    this.bias = bias;
    this.precision = requireNonNull(precision, "precision is null");
  }

  /** The Hugging Face module path, e.g. {@code model.layers.3.self_attn.q_proj}. */
  public String name() {
    return name;
  }

  /** The last part of the name, e.g. {@code q_proj}: what LoRA's target modules refer to. */
  public String module() {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** Input width (columns of the weight). */
  public long inFeatures() {
    return weight.getShape().get(1);
  }

  /** Output width (rows of the weight). */
  public long outFeatures() {
    return weight.getShape().get(0);
  }

  /**
   * The frozen weight, {@code [out_features, in_features]}; owned by the model, do not close. It is
   * a bfloat16 array when the model was loaded with {@link WeightPrecision#BFLOAT16} on a GPU.
   */
  public NDArray weight() {
    return weight;
  }

  /** The frozen bias, {@code [out_features]}, if this projection has one. */
  public Optional<NDArray> bias() {
    return Optional.ofNullable(bias);
  }

  /** The adapter in use, if any. */
  public Optional<ProjectionAdapter> adapter() {
    return Optional.ofNullable(adapter);
  }

  /** Uses {@code adapter} from the next forward pass on; {@code null} removes it. */
  public void setAdapter(ProjectionAdapter adapter) {
    this.adapter = adapter;
  }

  /**
   * Applies the projection to {@code [..., in_features]}; the result is attached to x's manager.
   */
  public NDArray apply(NDArray x) {
    NDArray y;
    if (precision == WeightPrecision.FLOAT32) {
      y = Linear.linear(x, weight, bias).singletonOrThrow();
    } else if (weight.getDataType() == DataType.BFLOAT16) {
      y =
          Linear.linear(x.toType(DataType.BFLOAT16, false), weight, bias)
              .singletonOrThrow()
              .toType(DataType.FLOAT32, false);
    } else {
      y =
          Bfloat16Rounding.round(
              Linear.linear(Bfloat16Rounding.round(x), weight, bias).singletonOrThrow());
    }
    ProjectionAdapter current = adapter;
    return current == null ? y : y.add(current.delta(x));
  }

  @Override
  public String toString() {
    return name + weight.getShape();
  }
}
