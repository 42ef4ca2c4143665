package io.adapterforge.trainer.safetensors;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.types.Shape;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name the tensor's key in the header
 * @param dtype its element type
 * @param shape its shape (a scalar has no dimensions)
 * @param begin offset of its first byte, counted from the start of the data section
 * @param end offset one past its last byte, counted from the start of the data section
 */
public record TensorInfo(String name, TensorDtype dtype, Shape shape, long begin, long end) {
  public TensorInfo {
    requireNonNull(name, "name is null");
    requireNonNull(dtype, "dtype is null");
    requireNonNull(shape, "shape is null");
  }

  /** Number of elements (1 for a scalar). */
  public long elementCount() {
    return shape.size();
  }

  /** Number of data bytes. */
  public long byteSize() {
    return end - begin;
  }
}
