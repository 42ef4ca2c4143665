package io.adapterforge.trainer.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.adapterforge.trainer.ModelLoadException;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Named tensors that can be read one at a time into DJL arrays.
 *
 * <p>Implementations read with positioned reads and are safe for concurrent {@code read} calls from
 * several threads, each with its own {@link NDManager}; {@link #close()} must not race with reads.
 */
public interface TensorReader extends AutoCloseable {
  /** All tensor names, sorted. */
  SortedSet<String> names();

  /** The header entry of a tensor, if there is one of that name. */
  Optional<TensorInfo> info(String name);

  /** Where a tensor is stored (file path or URI), for messages. */
  String locationOf(String name);

  /**
   * Reads a tensor into a new array attached to {@code manager}, converted to {@code type}.
   *
   * <p>Floating-point tensors can be read as {@link DataType#FLOAT32}, {@link DataType#FLOAT16} or
   * {@link DataType#FLOAT64}; integer and boolean tensors as their own type or any of those. {@link
   * DataType#BFLOAT16} is refused because DJL 0.36's PyTorch engine aborts the JVM on it.
   *
   * @throws io.adapterforge.trainer.ModelLoadException if the tensor is missing, the conversion is
   *     not supported or the file cannot be read
   */
  NDArray read(String name, NDManager manager, DataType type);

  /**
   * Reads a tensor in its own type, except BF16, which is widened to float32 (exactly), and the
   * types DJL has no equivalent for, which are refused.
   */
  default NDArray read(String name, NDManager manager) {
    TensorInfo info =
        info(name)
            .orElseThrow(
                () ->
                    new ModelLoadException("Tensor '" + name + "' is not in " + locationOf(name)));
    if (info.dtype() == TensorDtype.BF16) {
      return read(name, manager, DataType.FLOAT32);
    }
    DataType type =
        info.dtype()
            .dataType()
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        String.format(
                            "Cannot read tensor '%s' of %s: its dtype %s has no DJL equivalent",
                            name, locationOf(name), info.dtype())));
    return read(name, manager, type);
  }

  /** Releases the underlying files. */
  @Override
  void close();
}
