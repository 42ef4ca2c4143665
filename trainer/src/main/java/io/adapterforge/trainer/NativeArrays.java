package io.adapterforge.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays in memory libtorch owns, for everything an autograd graph may keep.
 *
 * <p>On the CPU, DJL 0.36's PyTorch engine makes an array from Java data ({@code
 * manager.create(float[])}, and the scalar behind {@code x.mul(2f)} or {@code x.div(2f)}) with
 * {@code torch.from_blob} over a direct buffer that only the Java array object keeps alive. When
 * that object is closed and garbage-collected, the buffer is freed, yet a tensor that libtorch
 * still holds on it — one an autograd graph saved for the backward pass, or a view — then reads
 * freed memory: gradients silently become garbage or NaN, depending on when the collector runs.
 * (Copies libtorch makes, such as {@link NDArray#duplicate()} or any op's result, are safe.)
 *
 * <p>So every array made from Java data that may outlive its Java handle, and every scalar that
 * multiplies or divides a tensor on a differentiable path, goes through this class. Stateless and
 * thread-safe.
 */
public final class NativeArrays {
  private NativeArrays() {}

  /** A copy of {@code data} in libtorch's memory, attached to {@code manager}. */
  public static NDArray copyOf(NDManager manager, float[] data, Shape shape) {
    try (NDArray wrapped = manager.create(data, shape)) {
      return wrapped.duplicate();
    }
  }

  /** A copy of {@code data} in libtorch's memory, attached to {@code manager}. */
  public static NDArray copyOf(NDManager manager, long[] data, Shape shape) {
    try (NDArray wrapped = manager.create(data, shape)) {
      return wrapped.duplicate();
    }
  }

  /** {@code x · value}, the scalar a libtorch tensor of x's type; attached to x's manager. */
  public static NDArray mul(NDArray x, float value) {
    try (NDArray scalar = scalar(x, value)) {
      return x.mul(scalar);
    }
  }

  /** {@code x / value}, the scalar a libtorch tensor of x's type; attached to x's manager. */
  public static NDArray div(NDArray x, float value) {
    try (NDArray scalar = scalar(x, value)) {
      return x.div(scalar);
    }
  }

  private static NDArray scalar(NDArray x, float value) {
    return x.getManager().full(new Shape(), value, x.getDataType());
  }
}
