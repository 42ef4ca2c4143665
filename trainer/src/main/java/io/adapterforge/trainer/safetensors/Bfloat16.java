package io.adapterforge.trainer.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * bfloat16 ↔ float32 in Java. A bfloat16 is the upper half of a float32, so widening is exact;
 * narrowing rounds to nearest, ties to even, as PyTorch does. Stateless and thread-safe.
 */
final class Bfloat16 {
  private Bfloat16() {}

  static float toFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  static short fromFloat(float value) {
    if (Float.isNaN(value)) {
      // PyTorch's canonical quiet NaN; rounding the bits could otherwise turn a NaN into infinity.
      return (short) 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(value);
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /**
   * Widens little-endian bfloat16 values ({@code source} from its position to its limit) into
   * {@code target} as little-endian float32 values, from its position.
   */
  static void widen(ByteBuffer source, ByteBuffer target) {
    ByteBuffer in = source.slice().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = target.slice().order(ByteOrder.LITTLE_ENDIAN);
    int count = in.remaining() / 2;
    for (int i = 0; i < count; i++) {
      out.putInt(i * 4, (in.getShort(i * 2) & 0xFFFF) << 16);
    }
    target.position(target.position() + count * 4);
  }

  /**
   * Narrows little-endian float32 values ({@code source} from its position to its limit) into
   * {@code target} as little-endian bfloat16 values, from its position.
   */
  static void narrow(ByteBuffer source, ByteBuffer target) {
    ByteBuffer in = source.slice().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = target.slice().order(ByteOrder.LITTLE_ENDIAN);
    int count = in.remaining() / 4;
    for (int i = 0; i < count; i++) {
      out.putShort(i * 2, fromFloat(in.getFloat(i * 4)));
    }
    target.position(target.position() + count * 2);
  }
}
