package io.adapterforge.trainer.safetensors;

import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * The element types of the safetensors format, named as in its header. Declared in the order of the
 * reference implementation's enum (increasing alignment), which the writer uses to order tensors in
 * a file.
 */
public enum TensorDtype {
  BOOL(1, DataType.BOOLEAN),
  U8(1, DataType.UINT8),
  I8(1, DataType.INT8),
  F8_E5M2(1, null),
  F8_E4M3(1, null),
  I16(2, DataType.INT16),
  U16(2, null),
  F16(2, DataType.FLOAT16),
  /** Read as float32: DJL's PyTorch engine cannot hold BF16 arrays on CPU. */
  BF16(2, null),
  I32(4, DataType.INT32),
  U32(4, null),
  F32(4, DataType.FLOAT32),
  F64(8, DataType.FLOAT64),
  I64(8, DataType.INT64),
  U64(8, null);

  private final int byteSize;
  private final DataType dataType;

  TensorDtype(int byteSize, DataType dataType) {
    this.byteSize = byteSize;
    this.dataType = dataType;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether this type holds floating-point numbers. */
  public boolean isFloatingPoint() {
    return this == F16
        || this == BF16
        || this == F32
        || this == F64
        || this == F8_E4M3
        || this == F8_E5M2;
  }

  /**
   * The DJL type an array of this dtype can be created with directly from its bytes; empty for
   * types DJL cannot hold as they are (BF16, the unsigned wide types, FP8).
   */
  public Optional<DataType> dataType() {
    return Optional.ofNullable(dataType);
  }

  /** The dtype whose bytes are the raw content of a DJL array of that type. */
  public static Optional<TensorDtype> of(DataType dataType) {
    for (TensorDtype dtype : values()) {
      if (dtype.dataType == dataType) {
        return Optional.of(dtype);
      }
    }
    return Optional.empty();
  }
}
